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
        @Flag(help: "Print contact details as stored instead of masked.") var showPersonalData = false

        func run() async throws {
            let topic = Topics.deadLetter(ServiceName(rawValue: service)).name
            let consumer = try KafkaConsumer(
                configuration: try kafka.consumer(groupId: "kepu-dlq-list-\(UUID().uuidString.prefix(8))"))
            try consumer.subscribe(topics: [topic])
            var count = 0
            try await readUntilIdle(consumer) { batch in
                for message in batch.messages {
                    print(Tail.describe(message, showPersonalData: showPersonalData))
                    count += 1
                }
            }
            await consumer.close()
            FileHandle.standardError.write(Data("\(count) dead letters in \(topic)\n".utf8))
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a service's dead letters back to their source topics, once each, up to where the topic ended when the replay began.")
        @OptionGroup var kafka: KafkaOptions
        @Argument(help: "The service, e.g. booking.") var service: String

        func run() async throws {
            let topic = Topics.deadLetter(ServiceName(rawValue: service)).name
            // A fixed group: a second replay continues where the first stopped instead of replaying twice.
            // A short session: a previous replay's membership must not hold this one up for long.
            let consumer = try KafkaConsumer(
                configuration: try kafka.consumer(groupId: "kepu.dlq-replay.\(service)", overrides: ["session.timeout.ms": "10000"]))
            try consumer.subscribe(topics: [topic])
            let producer = try KafkaProducer(configuration: try kafka.producer())
            defer { FileHandle.standardError.write(Data("\n".utf8)) }

            // Where the topic ends now: a record that is still poison comes back as a new dead letter past this
            // point, and must wait for the next replay instead of looping forever.
            var assignment = consumer.assignment
            var fetched: [KafkaConsumerMessage] = [] // what the polls that waited for the assignment returned
            let waitUntil = ContinuousClock.now + .seconds(60)
            while assignment.isEmpty {
                guard ContinuousClock.now < waitUntil, let batch = try await consumer.poll(maxMessages: 500, maxWait: .milliseconds(200)) else {
                    throw ValidationError("no partitions of \(topic) were assigned within 60 s: is the topic there?")
                }
                fetched += batch.messages
                assignment = consumer.assignment
            }
            let ends = try await consumer.queryWatermarks(Array(assignment)).mapValues(\.high)
            let committed = try await consumer.committedOffsets(Array(assignment))
            var next = Dictionary(uniqueKeysWithValues: assignment.map { ($0, max(committed[$0] ?? 0, 0)) })
            var replayed = 0
            var idleSince = ContinuousClock.now
            while next.contains(where: { $0.value < (ends[$0.key] ?? 0) }) {
                var messages = fetched
                fetched = []
                if messages.isEmpty {
                    guard let batch = try await consumer.poll(maxMessages: 500, maxWait: .milliseconds(200)) else { break }
                    messages = batch.messages
                }
                if messages.isEmpty {
                    if ContinuousClock.now - idleSince > .seconds(10) { break }
                    continue
                }
                idleSince = .now
                let due = messages.filter { $0.offset >= (next[$0.topicPartition] ?? 0) && $0.offset < (ends[$0.topicPartition] ?? 0) }
                let letters = due.compactMap(DeadLetter.init(deadLetterRecord:))
                for result in await producer.send(letters.map(\.replayMessage)) { _ = try result.get() }
                var stored: [KafkaTopicPartition: Int64] = [:]
                for message in due { stored[message.topicPartition] = max(stored[message.topicPartition] ?? 0, message.offset + 1) }
                try consumer.storeOffsets(stored)
                next.merge(stored) { max($0, $1) }
                replayed += letters.count
                FileHandle.standardError.write(Data("replayed \(replayed)\r".utf8))
            }
            try await consumer.commit()
            await consumer.close()
            await producer.shutdown()
            print("replayed \(replayed) dead letters from \(topic)")
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
