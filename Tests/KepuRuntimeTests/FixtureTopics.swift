import KepuTestSupport
import Foundation
import KepuContracts
import KepuKafka
@testable import KepuRuntime
import Logging
import PostgresNIO

/// The embedded cluster with the fixture service's topics.
func makeTestCluster() throws -> EmbeddedKafkaCluster {
    let cluster = try EmbeddedKafkaCluster(brokers: 3)
    try cluster.createTopic("kepu.test.commands.v1", partitions: 6)
    try cluster.createTopic("kepu.test.results.v1", partitions: 3)
    try cluster.createTopic("kepu.test-service.dlq.v1", partitions: 3)
    return cluster
}

/// An outbox relay as a replica runs it, driven by hand (`publishOnce`): its timer is a minute.
func makeTestRelay(_ client: PostgresClient, _ producer: KafkaProducer, logger: Logger) -> OutboxRelay {
    OutboxRelay(client: client, producer: producer, metrics: ServiceMetrics(), pollInterval: .seconds(60), batchSize: 100, logger: logger)
}

/// Count commands as a frontend would publish them: CloudEvents in binary mode.
func countCommand(_ n: Int, id: String = UUID().uuidString) -> KafkaProducerMessage {
    let event = CloudEvent(id: id, source: "/tests", type: "kepu.test.count.v1", data: Array("{\"n\":\(n)}".utf8))
    return event.kafkaMessage(topic: "kepu.test.commands.v1", key: "key-\(n % 10)")
}
