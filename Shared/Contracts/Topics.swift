import KepuDomain

/// The registry of every topic in the suite (the one place that lists them; `kepu topics create` makes them).
public enum Topics {
    /// The dead-letter topic of a consuming service: records its consumers could never process, with where they
    /// came from and why in `kepu_dlq_*` headers (see `DeadLetter`).
    public static func deadLetter(_ service: ServiceName) -> TopicDefinition {
        TopicDefinition(
            name: "kepu.\(service.rawValue).dlq.v1", owner: service, key: "the original record's key",
            eventTypes: [], partitions: 3, cleanup: .delete(retentionDays: 30))
    }

    /// Every topic, in a stable order.
    public static let all: [TopicDefinition] = ServiceName.all.map(deadLetter)

    public static func named(_ name: String) -> TopicDefinition? {
        all.first { $0.name == name }
    }
}
