import KepuContracts

/// How a handler reads its records, declared as a table: CloudEvents type → payload type → the handler's input.
/// A type not in the table is poison (`unknown_type`), and so is a payload that does not decode into its type
/// (`invalid_payload`), unless the handler answers such a payload itself (`onUndecodable`: booking tells the sender).
///
///     static let decoder = EventDecoder<Fact>([
///         .on(BookingEventType.confirmed, as: BookingConfirmed.self) { .confirmed($0) },
///         .ignore(BookingEventType.groupPooled, as: .ignored),
///     ], aliases: BookingEventType.readableAs)
public struct EventDecoder<Input>: Sendable {
    /// One row of the table.
    public struct Entry: Sendable {
        let type: String
        let read: @Sendable (CloudEvent) throws -> Input

        /// `type`'s data decodes as `Payload` (`CloudEvent.decodeData`: limits and closed fields included), then
        /// becomes the input.
        public static func on<Payload: Decodable & SendableMetatype>(
            _ type: String, as payload: Payload.Type, _ make: @escaping @Sendable (Payload) -> Input
        ) -> Entry {
            Entry(type: type) { event in make(try event.decodeData(as: Payload.self)) }
        }

        /// `type` read by hand, for what a payload type cannot say (a retired version answered with its successor).
        public static func read(_ type: String, _ read: @escaping @Sendable (CloudEvent) throws -> Input) -> Entry {
            Entry(type: type, read: read)
        }

        /// `type` is valid on the topic and not an input of this handler: it becomes `input` without being read.
        public static func ignore(_ type: String, as input: @escaping @Sendable () -> Input) -> Entry {
            Entry(type: type) { _ in input() }
        }
    }

    private let entries: [String: Entry]
    private let aliases: [String: String]
    private let onUndecodable: @Sendable (CloudEvent, any Error) throws(PoisonMessage) -> Input

    /// - Parameters:
    ///   - aliases: earlier versions of a type read as their successor (`BookingEventType.readableAs`).
    ///   - onUndecodable: what a payload that does not decode becomes; by default poison with `invalid_payload`.
    public init(
        _ entries: [Entry], aliases: [String: String] = [:],
        onUndecodable: @escaping @Sendable (CloudEvent, any Error) throws(PoisonMessage) -> Input = { event, error throws(PoisonMessage) in
            throw PoisonMessage(code: "invalid_payload", reason: "\(event.type): \(error)")
        }
    ) {
        self.entries = Dictionary(entries.map { ($0.type, $0) }) { first, _ in first }
        self.aliases = aliases
        self.onUndecodable = onUndecodable
    }

    /// The types the table reads, aliases included.
    public var types: Set<String> { Set(entries.keys).union(aliases.keys) }

    public func decode(_ event: CloudEvent) throws(PoisonMessage) -> Input {
        guard let entry = entries[aliases[event.type] ?? event.type] else {
            throw PoisonMessage(code: "unknown_type", reason: "unknown ce_type '\(event.type.prefix(FieldLimit.identifier))'")
        }
        do {
            return try entry.read(event)
        } catch let poison as PoisonMessage {
            throw poison
        } catch {
            return try onUndecodable(event, error)
        }
    }
}
