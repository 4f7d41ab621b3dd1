import KepuContracts

/// An event a handler decided to publish: written to the outbox in the handler's transaction, published by the
/// relay after commit.
public struct OutgoingEvent: Sendable, Hashable {
    public var topic: String
    /// The aggregate's id: Kafka's key, so that one aggregate's events stay in order.
    public var key: String
    public var event: CloudEvent

    public init(topic: String, key: String, event: CloudEvent) {
        self.topic = topic
        self.key = key
        self.event = event
    }
}
