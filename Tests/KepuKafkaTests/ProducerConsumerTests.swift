import Foundation
import KepuKafka
import KepuTestSupport
import Testing

@Suite("Producer and consumer against the embedded cluster")
struct ProducerConsumerTests {
    @Test("a record round-trips with its key, headers and value")
    func roundTrip() async throws {
        let (cluster, topic) = try clusterWithTopic("roundtrip", partitions: 3)
        let producer = try producer(cluster)
        let headers = [KafkaHeader(name: "ce_type", string: "kepu.test.v1"), KafkaHeader(name: "empty", value: nil)]
        let report = try await producer.send(
            KafkaProducerMessage(topic: topic, key: Array("session-42".utf8), value: Array("{\"seats\":2}".utf8), headers: headers))
        #expect(report.topic == topic)
        #expect(report.offset >= 0)

        let consumer = try consumer(cluster, group: uniqueName("g"), topics: [topic])
        let received = try await consume(consumer, count: 1)
        #expect(received.count == 1)
        let message = try #require(received.first)
        #expect(message.key == Array("session-42".utf8))
        #expect(message.text == "{\"seats\":2}")
        #expect(message.headers == headers)
        #expect(message.partition == report.partition)
        #expect(message.offset == report.offset)
        #expect(message.timestamp != nil)
        await consumer.close()
        await producer.shutdown()
    }

    @Test("a record given its own time keeps it; one without gets the time it was sent")
    func recordTime() async throws {
        let (cluster, topic) = try clusterWithTopic("record-time", partitions: 1)
        let producer = try producer(cluster)
        let given: Int64 = 1_796_031_316_081
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: Array("a".utf8), value: Array("1".utf8), timestamp: given))
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: Array("a".utf8), value: Array("2".utf8)))
        let consumer = try consumer(cluster, group: uniqueName("g"), topics: [topic])
        let received = try await consume(consumer, count: 2)
        #expect(received.map(\.text) == ["1", "2"])
        #expect(received.first?.timestamp == given)
        #expect(received.last?.timestamp.map { $0 >= before - 1 && $0 <= Int64(Date().timeIntervalSince1970 * 1000) + 1 } == true)
        await consumer.close()
        await producer.shutdown()
    }

    @Test("a poll that returns early gives what has arrived without waiting for the batch to fill")
    func pollReturnsEarly() async throws {
        let (cluster, topic) = try clusterWithTopic("early", partitions: 1)
        let producer = try producer(cluster)
        let consumer = try consumer(cluster, group: uniqueName("g"), topics: [topic])
        // Joined and caught up (nothing to read yet).
        _ = try await consume(consumer, count: 1, timeout: .seconds(3))
        _ = try await produceNumbered(producer, topic: topic, count: 3)
        // Would wait a minute for 1,000 records; returns with the three (librdkafka's batch call would wait it out).
        let started = ContinuousClock.now
        var received: [KafkaConsumerMessage] = []
        while received.count < 3, ContinuousClock.now - started < .seconds(50) {
            let batch = try #require(try await consumer.poll(maxMessages: 1_000, maxWait: .seconds(60), returnEarly: true))
            received += batch.messages
        }
        #expect(received.map(\.text).sorted() == ["0", "1", "2"])
        #expect(ContinuousClock.now - started < .seconds(50), "the poll returned once records were there, not after its minute")
        await consumer.close()
        await producer.shutdown()
    }

    @Test("records with the same key keep their order")
    func orderPerKey() async throws {
        let (cluster, topic) = try clusterWithTopic("order", partitions: 6)
        let producer = try producer(cluster)
        let sent = try await produceNumbered(producer, topic: topic, count: 700)
        let consumer = try consumer(cluster, group: uniqueName("g"), topics: [topic])
        let received = try await consume(consumer, count: sent.count)
        #expect(received.count == sent.count)
        let byKey = Dictionary(grouping: received) { String(decoding: $0.key ?? [], as: UTF8.self) }
        for (_, messages) in byKey {
            let numbers = messages.compactMap { Int($0.text) }
            #expect(numbers == numbers.sorted())
        }
        await consumer.close()
        await producer.shutdown()
    }

    @Test("a consumer restarted in the same group resumes after what it marked processed")
    func offsetsResume() async throws {
        let (cluster, topic) = try clusterWithTopic("resume", partitions: 3)
        let producer = try producer(cluster)
        let sent = Set(try await produceNumbered(producer, topic: topic, count: 300))
        let group = uniqueName("g")

        // The first member processes exactly one batch (of at most 50) and leaves; it may have fetched more.
        let first = try consumer(cluster, group: group, topics: [topic])
        var processed: [KafkaConsumerMessage] = []
        while processed.isEmpty {
            let batch = try #require(try await first.poll(maxMessages: 50, maxWait: .milliseconds(200)))
            if !batch.isEmpty {
                try first.markProcessed(batch)
                processed = batch.messages
            }
        }
        _ = try await first.poll(maxMessages: 50, maxWait: .milliseconds(50)) // fetched, never marked processed
        try await first.commit()
        await first.close()

        let second = try consumer(cluster, group: group, topics: [topic])
        let rest = try await consume(second, count: sent.count - processed.count, timeout: .seconds(30))
        // Give a wrongly redelivered record time to show up.
        let extra = try await consume(second, count: 1, timeout: .seconds(2))
        let processedValues = Set(processed.map(\.text))
        let restValues = rest.map(\.text) + extra.map(\.text)
        #expect(processedValues.isDisjoint(with: restValues), "records marked processed were delivered again")
        #expect(Set(restValues) == sent.subtracting(processedValues), "records not marked processed were skipped")
        #expect(restValues.count == Set(restValues).count)
        await second.close()
        await producer.shutdown()
    }

    @Test("pause stops delivery from a partition until resume")
    func pauseAndResume() async throws {
        let (cluster, topic) = try clusterWithTopic("pause", partitions: 2)
        let producer = try producer(cluster)
        let consumer = try consumer(cluster, group: uniqueName("g"), topics: [topic])
        try await eventually("assignment") {
            _ = try await consumer.poll(maxMessages: 10, maxWait: .milliseconds(100))
            return consumer.assignment.count == 2
        }
        let paused = KafkaTopicPartition(topic: topic, partition: 0)
        try consumer.pause([paused])
        for partition: Int32 in [0, 1] {
            for i in 0..<20 {
                _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: partition, value: Array("\(partition)-\(i)".utf8)))
            }
        }
        let whilePaused = try await consume(consumer, count: 40, timeout: .seconds(3))
        #expect(whilePaused.count == 20)
        #expect(whilePaused.allSatisfy { $0.partition == 1 })
        #expect(try await consumer.queryLag()[paused] == 20, "the paused partition's records wait as lag")

        try consumer.resume([paused])
        let afterResume = try await consume(consumer, count: 20, timeout: .seconds(15))
        #expect(afterResume.count == 20)
        #expect(afterResume.allSatisfy { $0.partition == 0 })
        try await eventually("lag reaches zero") { consumer.lag()[paused] == 0 }
        #expect(try await consumer.queryLag()[paused] == 0)
        await consumer.close()
        await producer.shutdown()
    }

    @Test("a bad librdkafka property is reported with its name")
    func badConfiguration() throws {
        let error = #expect(throws: KafkaError.self) {
            try KafkaProducer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1", properties: ["no.such.property": "1"]))
        }
        #expect(error?.message.contains("no.such.property") == true)
        #expect(throws: KafkaError.self) {
            try KafkaConsumer(configuration: KafkaConfiguration(bootstrapServers: "127.0.0.1:1"))
        }
    }
}
