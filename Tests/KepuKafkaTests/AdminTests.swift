import KepuKafka
import Testing

@Suite("Admin and the embedded cluster")
struct AdminTests {
    @Test("topics made on the embedded cluster are listed and described; ensureTopics is idempotent")
    func listDescribeEnsure() async throws {
        let cluster = try makeCluster()
        let topic = uniqueName("admin")
        try cluster.createTopic(topic, partitions: 4, replicationFactor: 3)
        try cluster.createTopic(topic, partitions: 4, replicationFactor: 3) // again: no error
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(bootstrapServers: cluster.bootstrapServers))
        let description = try #require(try await admin.describeTopic(topic))
        #expect(description.partitions.map(\.id) == [0, 1, 2, 3])
        #expect(description.replicationFactor == 3)
        #expect(try await admin.listTopics().contains { $0.name == topic })
        #expect(try await admin.describeTopic(uniqueName("absent")) == nil)
        // Everything exists already, so nothing is created (the mock cluster would not answer CreateTopics).
        let created = try await admin.ensureTopics([KafkaTopicSpec(name: topic, partitions: 4, configs: ["cleanup.policy": "compact"])])
        #expect(created.isEmpty)
    }

    @Test("the bootstrap string names one loopback listener per broker")
    func bootstrap() throws {
        let cluster = try makeCluster(brokers: 3)
        let servers = cluster.bootstrapServers.split(separator: ",")
        #expect(servers.count == 3)
        #expect(servers.allSatisfy { $0.hasPrefix("127.0.0.1:") || $0.hasPrefix("localhost:") })
        cluster.stop()
        cluster.stop()
    }
}
