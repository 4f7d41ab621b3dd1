import ArgumentParser
import Foundation
import KepuKafka

/// `kepu`: the operators' command line for Kepu Classroom.
@main
struct Kepu: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kepu",
        abstract: "Kepu Classroom operations: run the suite locally, manage topics, inspect events and dead letters, issue admin tokens.",
        subcommands: [Dev.self, Demo.self, TopicsCommand.self, Tail.self, DeadLetters.self, Token.self, Cluster.self]
    )
}

/// Where the brokers are: `--bootstrap`, else `KEPU_KAFKA_BOOTSTRAP_SERVERS`.
struct KafkaOptions: ParsableArguments {
    @Option(name: .long, help: "Kafka bootstrap servers (default: $KEPU_KAFKA_BOOTSTRAP_SERVERS).")
    var bootstrap: String?

    func servers() throws -> String {
        if let bootstrap, !bootstrap.isEmpty { return bootstrap }
        if let environment = ProcessInfo.processInfo.environment["KEPU_KAFKA_BOOTSTRAP_SERVERS"], !environment.isEmpty { return environment }
        throw ValidationError("no Kafka bootstrap servers: pass --bootstrap or set KEPU_KAFKA_BOOTSTRAP_SERVERS")
    }

    /// `KEPU_KAFKA_PROP_*` as the services read them, so the tool reaches a TLS or SASL cluster the same way.
    var properties: [String: String] { KafkaConfiguration.properties(fromEnvironment: ProcessInfo.processInfo.environment) }

    func consumer(groupId: String, overrides: [String: String] = [:]) throws -> KafkaConfiguration {
        .consumer(bootstrapServers: try servers(), groupId: groupId, overrides: properties.merging(overrides) { _, new in new })
    }

    func producer() throws -> KafkaConfiguration {
        .producer(bootstrapServers: try servers(), overrides: properties)
    }

    func admin() throws -> KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: try servers(), properties: properties)
    }
}
