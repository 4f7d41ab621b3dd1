import KepuDomain
import KepuKafka

/// One topic of the suite: what it carries and how it is kept. Names follow `kepu.<owner>.<kind>.v<N>`.
public struct TopicDefinition: Sendable, Hashable {
    public enum Cleanup: Sendable, Hashable {
        /// Records are deleted after `retentionDays`.
        case delete(retentionDays: Int)
        /// Kafka keeps the latest record per key.
        case compact
    }

    public let name: String
    /// The service that writes it (for a dead-letter topic: the service whose consumer put records there).
    public let owner: ServiceName
    /// What the Kafka key is.
    public let key: String
    /// The `ce_type`s it carries; empty for a dead-letter topic, which carries any record that failed.
    public let eventTypes: [String]
    public let partitions: Int32
    public let cleanup: Cleanup
    /// The topic's `compression.type`, when the broker should keep it compressed whatever producers send.
    public let compression: String?
    /// The services that consume it (each service's handlers' topics are checked against this in the tests), so
    /// the Kafka users' ACLs can be derived from the registry.
    public let readers: [ServiceName]
    /// Written by the frontends (a request or engagement topic its owner consumes), not by its owner.
    public let writtenByFrontends: Bool

    public init(
        name: String, owner: ServiceName, key: String, eventTypes: [String], partitions: Int32, cleanup: Cleanup, compression: String? = nil,
        readers: [ServiceName] = [], writtenByFrontends: Bool = false
    ) {
        self.readers = readers
        self.writtenByFrontends = writtenByFrontends
        self.name = name
        self.owner = owner
        self.key = key
        self.eventTypes = eventTypes
        self.partitions = partitions
        self.cleanup = cleanup
        self.compression = compression
    }

    /// Kafka topic configs for this definition.
    public var configs: [String: String] {
        var configs: [String: String] =
            switch cleanup {
            case .delete(let days): ["cleanup.policy": "delete", "retention.ms": String(days * 24 * 3600 * 1000)]
            case .compact: ["cleanup.policy": "compact"]
            }
        if let compression { configs["compression.type"] = compression }
        return configs
    }

    public func spec(replicationFactor: Int32) -> KafkaTopicSpec {
        KafkaTopicSpec(name: name, partitions: partitions, replicationFactor: replicationFactor, configs: configs)
    }
}
