import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import KepuTooling
import Testing
import Yams

/// The topic registry against the code and the Strimzi resources: who reads what is said once, in the registry,
/// and the committed `KafkaTopic`s and `KafkaUser`s are what `kepu topics manifest` makes of it.
@Suite("Kafka resources derived from the topic registry")
struct KafkaManifestTests {
    @Test("each service's handlers consume exactly the topics the registry lists it as a reader of", arguments: OpenAPIDocumentTests.definitions)
    func readersMatchHandlers(_ definition: ServiceDefinition) {
        let registered = Set(Topics.all.filter { $0.readers.contains(definition.name) }.map(\.name))
        #expect(
            definition.consumedTopics == registered,
            "\(definition.name): handlers \(definition.consumedTopics.sorted()), registry \(registered.sorted())")
    }

    @Test("the committed KafkaTopics and KafkaUsers are the generated ones (regenerate with `kepu topics manifest topics|users`)")
    func manifestsAreGenerated() throws {
        let topics = try DeploymentFileTests.text("infra/k8s/base/kafka/topics.yaml")
        #expect(topics == StrimziManifests.topics(cluster: "kepu", replicas: 3, minInSyncReplicas: 2), "infra/k8s/base/kafka/topics.yaml is stale")
        let users = try DeploymentFileTests.text("infra/k8s/base/kafka/users.yaml")
        #expect(users == StrimziManifests.users(cluster: "kepu"), "infra/k8s/base/kafka/users.yaml is stale")
    }

    @Test("every topic is a KafkaTopic with its partitions and configs; each user may write only its own topics")
    func manifestsCarryTheRegistry() throws {
        let topics = try Yams.load_all(yaml: StrimziManifests.topics(cluster: "kepu", replicas: 3, minInSyncReplicas: 2)).compactMap {
            $0 as? [String: Any]
        }
        #expect(topics.count == Topics.all.count)
        for (document, topic) in zip(topics, Topics.all) {
            let spec = try #require(document["spec"] as? [String: Any])
            #expect(document["kind"] as? String == "KafkaTopic" && spec["topicName"] as? String == topic.name)
            #expect(spec["partitions"] as? Int == Int(topic.partitions) && spec["replicas"] as? Int == 3)
            let config = try #require(spec["config"] as? [String: Any])
            for (key, value) in topic.configs { #expect(config[key] as? String == value, "\(topic.name) \(key)") }
            #expect(config["min.insync.replicas"] as? String == "2")
        }
        let users = try Yams.load_all(yaml: StrimziManifests.users(cluster: "kepu")).compactMap { $0 as? [String: Any] }
        #expect(users.count == ServiceName.all.count + 3)
        for user in users {
            let metadata = try #require(user["metadata"] as? [String: Any])
            let name = try #require(metadata["name"] as? String)
            let acls = try #require(((user["spec"] as? [String: Any])?["authorization"] as? [String: Any])?["acls"] as? [[String: Any]])
            let written = acls.filter { ($0["operations"] as? [String])?.contains("Write") == true }.compactMap {
                ($0["resource"] as? [String: Any])?["name"] as? String
            }
            if let service = ServiceName.all.first(where: { "kepu-\($0.rawValue)" == name }) {
                #expect(
                    written.allSatisfy { Topics.named($0)?.owner == service && Topics.named($0)?.writtenByFrontends == false }, "\(name): \(written)")
                #expect(!acls.contains { ($0["operations"] as? [String])?.contains("All") == true }, "\(name) has no wildcard")
            } else if name == "kepu-frontends" {
                #expect(Set(written) == Set(Topics.all.filter(\.writtenByFrontends).map(\.name)))
            } else if name == "kepu-dashboards" {
                #expect(written.isEmpty)
            }
        }
    }
}
