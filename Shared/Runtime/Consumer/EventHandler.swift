import KepuContracts
import KepuKafka
import PostgresNIO

/// A record that can never be processed (malformed, schema-invalid, unknown type): it goes to the dead-letter
/// topic with `code` and `reason`, and the partition moves on.
public struct PoisonMessage: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let reason: String
    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }
    public var description: String { "\(code): \(reason)" }
}

/// The transaction a batch (or a timed round, or an admin change) is applied in: the connection for the SQL, and
/// the events it emits, written to the outbox in the same transaction by whoever opened it.
public final class HandlerTransaction {
    public let connection: PostgresConnection
    public let logger: Logger
    public private(set) var emitted: [OutgoingEvent] = []
    /// Run by whoever opened the transaction once it committed (never if it rolled back).
    public private(set) var committed: [@Sendable () -> Void] = []

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    public func emit(_ event: OutgoingEvent) {
        emitted.append(event)
    }

    /// Runs `body` after the commit: for in-memory state that may only learn what the database has (a cache of
    /// committed rows), since the transaction can still roll back and be retried.
    public func afterCommit(_ body: @escaping @Sendable () -> Void) {
        committed.append(body)
    }
}

/// One received command, with the record it came from.
public struct ReceivedCommand<Command: Sendable>: Sendable {
    /// The command, envelope and record, behind one reference: a batch's commands are copied as it is filtered and
    /// handed on, and a copy of them by value retained every string and buffer in them (measured in the metrics
    /// benchmark's samples: copying and destroying commands 5.1 % by value, 3.2 % with the envelope and record
    /// behind a reference and the command still by value).
    @usableFromInline let received: ReceivedRecord<Command>

    // Inlinable, so a handler in another module reads one field without copying the whole record.
    @inlinable public var command: Command { received.command }
    @inlinable public var event: CloudEvent { received.event }
    @inlinable public var message: KafkaConsumerMessage { received.message }

    init(command: Command, event: CloudEvent, message: KafkaConsumerMessage) {
        self.received = ReceivedRecord(command: command, event: event, message: message)
    }
}

/// A record, the CloudEvent read from it and the command decoded from that, never changed after decoding.
@usableFromInline final class ReceivedRecord<Command: Sendable>: Sendable {
    // The command last: fields after one of a generic type's size sit at offsets known only at run time, and the
    // runner (not specialised for any handler) reads the others on every record.
    @usableFromInline let event: CloudEvent
    @usableFromInline let message: KafkaConsumerMessage
    /// Computed once, while the batch is decoded (beside the previous batch's transaction, not in it).
    let identity: EventIdentity
    @usableFromInline let command: Command

    init(command: Command, event: CloudEvent, message: KafkaConsumerMessage) {
        self.command = command
        self.event = event
        self.message = message
        self.identity = EventIdentity(event)
    }
}

/// A service's logic for one set of topics, in two steps: `decode` (pure: a record to a command, or why it can
/// never be processed) and `apply` (a batch of new commands, in order, in one transaction). The runner does the
/// rest: envelopes, the inbox, the outbox, dead letters, retries and offsets.
public protocol EventHandler: Sendable {
    associatedtype Command: Sendable

    /// Names the consumer group (`<service>.<name>`) and the inbox's consumer id.
    var name: String { get }
    var topics: [String] { get }

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command

    /// Throwing rolls the whole batch back: a transient error (see `TransientError`) retries it; any other error
    /// makes the runner retry the commands one by one and dead-letter those that still fail.
    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws

    /// How redeliveries are kept from taking effect twice; `.inbox` unless the handler says otherwise.
    static var deliveryTracking: DeliveryTracking { get }

    /// Records per batch, when this handler needs another size than the service's `KEPU_CONSUMER_BATCH_SIZE`: a
    /// fold over a high-volume stream pays a fixed cost per batch (its rows read and written once) and wants big
    /// ones, while the service's requests want small ones. Nil (the default): the service's setting.
    var batchSize: Int? { get }
}

extension EventHandler {
    public static var deliveryTracking: DeliveryTracking { .inbox }
    public var batchSize: Int? { nil }
}
