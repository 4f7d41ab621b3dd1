import ArgumentParser
import KepuContracts
import KepuKafka
import KepuTooling

/// `kepu topics create|list|manifest`.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "Create the registry's topics, list the cluster's, or print them as Strimzi resources.",
        subcommands: [Create.self, List.self, Manifest.self])

    struct Manifest: ParsableCommand {
        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case topics, users
        }

        static let configuration = CommandConfiguration(
            abstract:
                "Print the registry as Strimzi resources: a KafkaTopic per topic, or a KafkaUser per service (and frontends, dashboards, ops) with least-privilege ACLs (infra/k8s/base/kafka holds both)."
        )
        @Argument(help: "topics or users") var kind: Kind
        @Option(help: "The Strimzi Kafka cluster's name.") var cluster = "kepu"
        @Option(help: "Replicas of each topic.") var replicas = 3
        @Option(help: "min.insync.replicas of each topic.") var minInsync = 2

        func validate() throws {
            guard (1...9).contains(replicas), (1...replicas).contains(minInsync) else {
                throw ValidationError("--replicas must be 1...9 and --min-insync 1...replicas")
            }
        }

        func run() {
            switch kind {
            case .topics: print(StrimziManifests.topics(cluster: cluster, replicas: replicas, minInSyncReplicas: minInsync), terminator: "")
            case .users: print(StrimziManifests.users(cluster: cluster), terminator: "")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create every topic of the registry that the cluster lacks (idempotent).")
        @OptionGroup var kafka: KafkaOptions
        @Option(help: "Replication factor for new topics.") var replicationFactor: Int32 = 3

        func run() async throws {
            let admin = try KafkaAdmin(configuration: try kafka.admin())
            let existing = Set(try await admin.listTopics().map(\.name))
            for (index, topic) in Topics.all.enumerated() {
                let prefix = "[\(index + 1)/\(Topics.all.count)] \(topic.name)"
                if existing.contains(topic.name) {
                    print("\(prefix): exists")
                } else {
                    try await admin.createTopics([topic.spec(replicationFactor: replicationFactor)])
                    print(
                        "\(prefix): created (\(topic.partitions) partitions, \(topic.configs.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")))"
                    )
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cluster's topics.")
        @OptionGroup var kafka: KafkaOptions

        func run() async throws {
            let admin = try KafkaAdmin(configuration: try kafka.admin())
            for topic in try await admin.listTopics() {
                let registered = Topics.named(topic.name) == nil ? "" : "  (registry)"
                print("\(topic.name)  partitions=\(topic.partitions.count) replicas=\(topic.replicationFactor)\(registered)")
            }
        }
    }
}
