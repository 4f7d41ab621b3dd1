import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport

/// The embedded cluster with the fixture service's topics.
func makeTestCluster() throws -> EmbeddedKafkaCluster {
    let cluster = try EmbeddedKafkaCluster(brokers: 3)
    try cluster.createTopic("kepu.test.commands.v1", partitions: 6)
    try cluster.createTopic("kepu.test.results.v1", partitions: 3)
    try cluster.createTopic("kepu.test-service.dlq.v1", partitions: 3)
    return cluster
}

/// Count commands as a frontend would publish them: CloudEvents in binary mode.
func countCommand(_ n: Int, id: String = UUID().uuidString) -> KafkaProducerMessage {
    let event = CloudEvent(id: id, source: "/tests", type: "kepu.test.count.v1", data: Array("{\"n\":\(n)}".utf8))
    return event.kafkaMessage(topic: "kepu.test.commands.v1", key: "key-\(n % 10)")
}
