import ArgumentParser
import Foundation
import KepuKafka
import Logging
import ServiceLifecycle

/// `kepu dev`: the suite on embedded defaults, in the foreground, until Ctrl-C.
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the embedded Kafka-protocol broker (librdkafka's mock cluster) and stay up until Ctrl-C.")

    @Option(help: "Brokers in the embedded cluster.") var brokers = 3

    func run() async throws {
        let logger = Logger(label: "kepu.dev")
        let cluster = try EmbeddedKafkaCluster(brokers: brokers, logger: logger)
        try cluster.createTopic("kepu.dev.hello.v1", partitions: 3)
        print("""
            Kepu Classroom (development)
              Kafka bootstrap: \(cluster.bootstrapServers)
              try it:   echo hello | kcat -P -b \(cluster.bootstrapServers) -t kepu.dev.hello.v1
                        kcat -C -b \(cluster.bootstrapServers) -t kepu.dev.hello.v1 -e
              services: not yet part of the suite (they arrive with the service runtime)
            Ctrl-C stops everything.
            """)
        let group = ServiceGroup(
            configuration: .init(services: [cluster], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
