import Foundation
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import Synchronization
import Testing

/// A fresh embedded cluster per test, so tests can run in parallel without sharing topics or groups.
func makeCluster(brokers: Int = 3) throws -> EmbeddedKafkaCluster {
    try EmbeddedKafkaCluster(brokers: brokers)
}

func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8))"
}

/// An embedded cluster with one topic of its own (named from `prefix`), as most tests here start.
func clusterWithTopic(_ prefix: String, partitions: Int32) throws -> (EmbeddedKafkaCluster, String) {
    let cluster = try makeCluster()
    let topic = uniqueName(prefix)
    try cluster.createTopic(topic, partitions: partitions)
    return (cluster, topic)
}

func producer(_ cluster: EmbeddedKafkaCluster, _ overrides: [String: String] = [:]) throws -> KafkaProducer {
    try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers, overrides: overrides))
}

func consumer(_ cluster: EmbeddedKafkaCluster, group: String, topics: [String], _ overrides: [String: String] = [:]) throws -> KafkaConsumer {
    // Short timeouts so that a member leaving is noticed within a test's patience.
    var settings = ["session.timeout.ms": "6000", "heartbeat.interval.ms": "500", "auto.commit.interval.ms": "200"]
    settings.merge(overrides) { _, new in new }
    let consumer = try KafkaConsumer(configuration: .consumer(bootstrapServers: cluster.bootstrapServers, groupId: group, overrides: settings))
    try consumer.subscribe(topics: topics)
    return consumer
}

/// Sends `count` records whose values are "0", "1", ... and returns them after every one was acknowledged.
@discardableResult
func produceNumbered(_ producer: KafkaProducer, topic: String, count: Int, from start: Int = 0) async throws -> [String] {
    let messages = (start..<(start + count)).map {
        KafkaProducerMessage(topic: topic, key: Array("key-\($0 % 97)".utf8), value: Array("\($0)".utf8))
    }
    for result in await producer.send(messages) { _ = try result.get() }
    return messages.map { String(decoding: $0.value, as: UTF8.self) }
}

/// Consumes until `count` records arrived or `timeout` passed, marking each batch processed.
func consume(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(30), markProcessed: Bool = true) async throws
    -> [KafkaConsumerMessage]
{
    var received: [KafkaConsumerMessage] = []
    let deadline = ContinuousClock.now + timeout
    while received.count < count, ContinuousClock.now < deadline {
        guard let batch = try await consumer.poll(maxMessages: 500, maxWait: .milliseconds(100)) else { break }
        received += batch.messages
        if markProcessed && !batch.isEmpty { try consumer.markProcessed(batch) }
    }
    return received
}

extension KafkaConsumerMessage {
    var text: String { String(decoding: value, as: UTF8.self) }
}
