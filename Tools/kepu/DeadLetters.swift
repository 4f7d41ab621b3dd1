import ArgumentParser
import Foundation
import KepuContracts
import KepuDomain
import KepuKafka

/// `kepu dlq list|replay <service>`.
struct DeadLetters: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "Inspect and replay a service's dead-letter topic.", subcommands: [List.self, Replay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every dead letter of a service (reads from the start, commits nothing).")
        @OptionGroup var kafka: KafkaOptions
        @Argument(help: "The service, e.g. booking.") var service: String

        func run() async throws {
            let topic = Topics.deadLetter(ServiceName(rawValue: service)).name
            let consumer = try KafkaConsumer(
                configuration: .consumer(bootstrapServers: try kafka.servers(), groupID: "kepu-dlq-list-\(UUID().uuidString.prefix(8))"))
            try consumer.subscribe(topics: [topic])
            var count = 0
            try await readUntilIdle(consumer) { batch in
                for message in batch.messages {
                    print(Tail.describe(message))
                    count += 1
                }
            }
            await consumer.close()
            FileHandle.standardError.write(Data("\(count) dead letters in \(topic)\n".utf8))
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a service's dead letters back to their source topics (once each: progress is committed as it goes).")
        @OptionGroup var kafka: KafkaOptions
        @Argument(help: "The service, e.g. booking.") var service: String

        func run() async throws {
            let servers = try kafka.servers()
            let topic = Topics.deadLetter(ServiceName(rawValue: service)).name
            // A fixed group: a second replay continues where the first stopped instead of replaying twice.
            let consumer = try KafkaConsumer(configuration: .consumer(bootstrapServers: servers, groupID: "kepu.dlq-replay.\(service)"))
            try consumer.subscribe(topics: [topic])
            let producer = try KafkaProducer(configuration: .producer(bootstrapServers: servers))
            var replayed = 0
            var skipped = 0
            try await readUntilIdle(consumer) { batch in
                let letters = batch.messages.compactMap(DeadLetter.init(deadLetterRecord:))
                skipped += batch.count - letters.count
                for result in await producer.send(letters.map(\.replayMessage)) { _ = try result.get() }
                try consumer.markProcessed(batch)
                replayed += letters.count
                FileHandle.standardError.write(Data("replayed \(replayed)\r".utf8))
            }
            try await consumer.commit()
            await consumer.close()
            await producer.shutdown()
            print("replayed \(replayed) dead letters from \(topic)\(skipped > 0 ? " (\(skipped) records without kepu_dlq_* headers left alone)" : "")")
        }
    }
}

/// Reads batches until the topic has been quiet for `idle` (after the group assignment).
func readUntilIdle(_ consumer: KafkaConsumer, idle: Duration = .seconds(3), _ body: (KafkaConsumerBatch) async throws -> Void) async throws {
    var lastActivity = ContinuousClock.now
    var assigned = false
    while true {
        guard let batch = try await consumer.poll(maxMessages: 500, maxWait: .milliseconds(200)) else { return }
        if !assigned && !consumer.assignment.isEmpty {
            assigned = true
            lastActivity = .now
        }
        if !batch.isEmpty {
            try await body(batch)
            lastActivity = .now
        } else if assigned && ContinuousClock.now - lastActivity > idle {
            return
        } else if !assigned && ContinuousClock.now - lastActivity > .seconds(30) {
            throw ValidationError("no partitions were assigned within 30 s: is the topic there?")
        }
    }
}
