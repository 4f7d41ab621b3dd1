import ArgumentParser
import CKafkaBaseline
import Foundation
import KepuKafka
import KepuKafkaEmbedded

/// Producing and consuming through the Swift client versus plain C loops over the same librdkafka, against one
/// embedded cluster. Prints the four rates, then `produce_ratio=` and `consume_ratio=` (Swift / C) as the last lines.
struct KafkaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka", abstract: "Swift Kafka client vs. plain C librdkafka: produce and consume rates.")

    @Option(help: "Messages per run.") var messages = 1_000_000
    @Option(help: "Message value size in bytes.") var size = 200
    @Option(help: "Partitions of the benchmark topics.") var partitions: Int32 = 6
    @Option(help: "Brokers in the embedded cluster.") var brokers = 3
    @Option(help: "Records per Swift send call and per consumer batch.") var batch = 10_000
    @Option(help: "Messages per round; the mock cluster keeps only about 5 MB per partition, so a run is split in rounds.")
    var round = 100_000

    func run() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: brokers)
        let bootstrap = cluster.bootstrapServers
        let runId = UUID().uuidString.prefix(8)
        let (cTopic, swiftTopic) = ("bench-c-\(runId)", "bench-swift-\(runId)")
        try cluster.createTopic(cTopic, partitions: partitions)
        try cluster.createTopic(swiftTopic, partitions: partitions)
        print("kafka benchmark: \(messages) messages x \(size) B, \(partitions) partitions, \(brokers) brokers at \(bootstrap)")

        var errbuf = [CChar](repeating: 0, count: 512)
        guard let cProducer = kepu_c_producer_new(bootstrap, cTopic, size, &errbuf, errbuf.count),
            let cConsumer = kepu_c_consumer_new(bootstrap, cTopic, "bench-c-\(runId)", Int32(batch), &errbuf, errbuf.count)
        else { throw BenchError("C client: \(errbuf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })") }
        defer {
            kepu_c_producer_destroy(cProducer)
            kepu_c_consumer_destroy(cConsumer)
        }
        let producer = try KafkaProducer(configuration: .producer(bootstrapServers: bootstrap))
        let consumer = try KafkaConsumer(configuration: .consumer(bootstrapServers: bootstrap, groupId: "bench-swift-\(runId)"))
        try consumer.subscribe(topics: [swiftTopic])
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        let keys = (0..<1024).map { Array("k\($0)".utf8) }

        // Rounds interleave C and Swift so both meet the same machine noise.
        var elapsed = (cProduce: 0.0, swiftProduce: 0.0, cConsume: 0.0, swiftConsume: 0.0)
        var done = 0
        while done < messages {
            let count = min(round, messages - done)
            let cStart = ContinuousClock.now
            let cDelivered = kepu_c_producer_run(cProducer, Int64(count))
            elapsed.cProduce += (ContinuousClock.now - cStart).seconds
            guard cDelivered == count else { throw BenchError("C producer delivered \(cDelivered) of \(count)") }

            let swiftStart = ContinuousClock.now
            let swiftDelivered = await produce(producer, topic: swiftTopic, count: count, value: value, keys: keys)
            elapsed.swiftProduce += (ContinuousClock.now - swiftStart).seconds
            guard swiftDelivered == count else { throw BenchError("Swift producer delivered \(swiftDelivered) of \(count)") }

            var cSeconds = 0.0
            let cConsumed = kepu_c_consumer_run(cConsumer, Int64(count), &cSeconds)
            elapsed.cConsume += cSeconds
            guard cConsumed == count else { throw BenchError("C consumer got \(cConsumed) of \(count)") }

            let (swiftConsumed, swiftSeconds) = try await consume(consumer, count: count)
            elapsed.swiftConsume += swiftSeconds
            guard swiftConsumed == count else { throw BenchError("Swift consumer got \(swiftConsumed) of \(count)") }
            done += count
        }
        await consumer.close()
        await producer.shutdown()
        cluster.stop()

        let rate = { (seconds: Double) in Double(messages) / seconds }
        print(String(format: "c_produce_msgs_per_s=%.0f", rate(elapsed.cProduce)))
        print(String(format: "swift_produce_msgs_per_s=%.0f", rate(elapsed.swiftProduce)))
        print(String(format: "c_consume_msgs_per_s=%.0f", rate(elapsed.cConsume)))
        print(String(format: "swift_consume_msgs_per_s=%.0f", rate(elapsed.swiftConsume)))
        print(String(format: "produce_ratio=%.2f", elapsed.cProduce / elapsed.swiftProduce))
        print(String(format: "consume_ratio=%.2f", elapsed.cConsume / elapsed.swiftConsume))
    }

    /// Sends `count` records with a few batches in flight, as a busy outbox relay does; returns how many succeeded.
    private func produce(_ producer: KafkaProducer, topic: String, count: Int, value: [UInt8], keys: [[UInt8]]) async -> Int {
        let batch = self.batch
        return await withTaskGroup(of: Int.self) { group in
            let senders = 4
            for sender in 0..<senders {
                group.addTask {
                    var ok = 0
                    var next = sender * batch
                    while next < count {
                        let chunk = (next..<min(next + batch, count)).map {
                            KafkaProducerMessage(topic: topic, key: keys[$0 % 1024], value: value)
                        }
                        for result in await producer.send(chunk) { if case .success = result { ok += 1 } }
                        next += senders * batch
                    }
                    return ok
                }
            }
            return await group.reduce(0, +)
        }
    }

    /// Consumes `count` records in batches; returns how many, and the time from the first batch to the last.
    private func consume(_ consumer: KafkaConsumer, count: Int, idle: Duration = .seconds(10)) async throws -> (Int, Double) {
        var consumed = 0
        var checksum = 0
        var first: ContinuousClock.Instant?
        var lastSeen = ContinuousClock.now
        while consumed < count, ContinuousClock.now - lastSeen < idle {
            guard let batch = try await consumer.poll(maxMessages: min(batch, count - consumed), maxWait: .milliseconds(100)) else { break }
            guard !batch.isEmpty else { continue }
            if first == nil { first = .now }
            lastSeen = .now
            for message in batch.messages { checksum &+= Int(message.value.last ?? 0) }
            consumed += batch.count
            try consumer.markProcessed(batch)
        }
        let seconds = first.map { (ContinuousClock.now - $0).seconds } ?? 0
        guard checksum > 0 || consumed == 0 else { throw BenchError("payloads were empty") }
        return (consumed, seconds)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
