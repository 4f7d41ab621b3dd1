import ArgumentParser
import Foundation
import KepuContracts
import KepuKafkaEmbedded
import Logging
import ServiceLifecycle

/// `kepu cluster`: the embedded Kafka-protocol brokers (librdkafka's mock cluster) alone, with every topic of the
/// registry, until SIGTERM or Ctrl-C; prints `bootstrap=<servers>` first. For checks that run the services from
/// elsewhere (infra/image/check.sh runs one inside the image's root filesystem).
struct Cluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the embedded Kafka-protocol brokers with the registry's topics until SIGTERM; prints bootstrap=<servers>.")
    @Option(help: "Brokers (1-3).") var brokers = 1

    func validate() throws {
        guard (1...3).contains(brokers) else { throw ValidationError("--brokers must be 1...3") }
    }

    func run() async throws {
        let logger = Logger(label: "kepu.cluster", factory: { StreamLogHandler.standardError(label: $0) })
        let group = ServiceGroup(
            configuration: .init(services: [EmbeddedBrokers(brokers: brokers)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// The brokers, running until graceful shutdown.
struct EmbeddedBrokers: Service {
    let brokers: Int

    func run() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: brokers, logger: Logger(label: "kepu.cluster", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { cluster.stop() }
        for topic in Topics.all {
            try cluster.createTopic(topic.name, partitions: topic.partitions, replicationFactor: Int32(brokers))
        }
        FileHandle.standardOutput.write(Data("bootstrap=\(cluster.bootstrapServers)\n".utf8))
        try? await gracefulShutdown()
    }
}
