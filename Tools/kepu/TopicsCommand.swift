import ArgumentParser
import KepuContracts
import KepuKafka

/// `kepu topics create|list`.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "Create the registry's topics, or list the cluster's.", subcommands: [Create.self, List.self])

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
