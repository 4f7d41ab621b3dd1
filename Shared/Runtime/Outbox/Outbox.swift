import Foundation
import KepuContracts
import Logging
import PostgresNIO

/// Writes outgoing events in the caller's transaction (the transactional outbox).
public enum Outbox {
    /// The NOTIFY channel that wakes the relay when a transaction with outbox rows commits.
    static let channel = "kepu_outbox"

    /// The transaction-level advisory lock that orders appends. Kept as first chosen rather than derived from a name
    /// (`AdvisoryLock`): replicas of two releases appending during a rollout must still take the same lock, or the
    /// relay could pass a row that commits late.
    static let appendLockKey: Int64 = 0x6B65_7075_6F72_6472 // "kepuordr"

    /// Appends events and notifies the relay (the notification is delivered at commit), in one statement.
    ///
    /// The append lock is taken before the rows get their ids (from a sequence without a per-session cache: the
    /// ids are the insert's defaults, computed for rows that come out of the join with the lock's row) and held
    /// until the commit, so outbox ids are in commit order: once the relay sees a row, every row with a smaller id
    /// has committed or rolled back, and the relay can read on from the last id it published instead of
    /// rescanning the table (whose published rows leave dead index entries behind until vacuum). Appends are the
    /// last statements before a commit, so the lock is held only for the insert and the commit, and never while
    /// waiting for another lock.
    ///
    /// An event that could never be published (see `OutboxRefusal`) is refused here, so the transaction fails
    /// instead of committing a row the relay could not send.
    public static func append(_ events: [OutgoingEvent], on connection: PostgresConnection, logger: Logger) async throws {
        guard !events.isEmpty else { return }
        for event in events { try OutboxRefusal.check(event) }
        // The transaction's trace context (a consumed batch's span, an HTTP request's) goes with every row it wrote.
        _ = try await connection.execute(Append(events: events, trace: TraceHeaders.current()), logger: logger)
    }

    /// The append as a prepared statement (planned once per connection, not at every commit).
    struct Append: PostgresPreparedStatement {
        static let sql = """
            WITH ordering AS MATERIALIZED (SELECT pg_advisory_xact_lock($1), pg_notify($2, ''))
            INSERT INTO outbox_message (event_id, topic, message_key, event_type, event_source, event_time, subject, payload, trace_parent, trace_state)
            SELECT e.id, e.topic, e.key, e.type, e.source, e.time, NULLIF(e.subject, ''), e.payload, $11, $12
            FROM ordering,
                 unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[], $9::text[], $10::text[])
                 WITH ORDINALITY AS e(id, topic, key, type, source, time, subject, payload, n)
            ORDER BY e.n
            """
        typealias Row = ()

        let events: [OutgoingEvent]
        let trace: TraceHeaders?

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 12)
            bindings.append(Outbox.appendLockKey)
            bindings.append(Outbox.channel)
            bindings.append(events.map(\.event.id))
            bindings.append(events.map(\.topic))
            bindings.append(events.map(\.key))
            bindings.append(events.map(\.event.type))
            bindings.append(events.map(\.event.source))
            bindings.append(events.map { $0.event.time ?? Date() })
            bindings.append(events.map { $0.event.subject ?? "" })
            bindings.append(events.map { String(decoding: $0.event.data, as: UTF8.self) })
            bindings.append(trace?.traceParent)
            bindings.append(trace?.traceState)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }
}

/// Why an event cannot go into the outbox: as a record it would exceed what a broker accepts, or PostgreSQL could
/// not store it. Not transient: the command that emitted it fails (and is dead-lettered, or its HTTP request answered
/// with an error) instead of committing a row that would stall the relay.
public struct OutboxRefusal: Error, CustomStringConvertible {
    /// A record's key, value and headers together: under the producer's and broker's `message.max.bytes`
    /// (1,000,000 by default), with room for the record's own framing.
    public static let maxRecordBytes = 900_000
    /// Kafka's limit on a topic name.
    static let maxTopicBytes = 249

    public let eventId: String
    public let reason: String
    public var description: String { "event \(eventId.prefix(128)) refused by the outbox: \(reason)" }

    static func check(_ outgoing: OutgoingEvent) throws(OutboxRefusal) {
        let event = outgoing.event
        func refuse(_ reason: String) -> OutboxRefusal { OutboxRefusal(eventId: event.id, reason: reason) }
        if outgoing.topic.isEmpty || outgoing.topic.utf8.count > maxTopicBytes
            || !outgoing.topic.utf8.allSatisfy({
                $0 == 0x2E || $0 == 0x5F || $0 == 0x2D || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A)
            })
        {
            throw refuse("topic '\(outgoing.topic.prefix(64))' is not a valid topic name")
        }
        // Text columns refuse NUL; the payload is JSON, which escapes it.
        func checkText(_ text: String, _ name: StaticString) throws(OutboxRefusal) {
            if text.utf8.contains(0) { throw refuse("\(name) holds a NUL") }
        }
        try checkText(outgoing.key, "key")
        try checkText(event.id, "id")
        try checkText(event.source, "source")
        try checkText(event.type, "type")
        try checkText(event.subject ?? "", "subject")
        let size =
            outgoing.key.utf8.count + event.data.count + event.id.utf8.count + event.source.utf8.count + event.type.utf8.count
            + (event.subject?.utf8.count ?? 0) + 200 // header names, spec version, time, content type
            + 70 + TraceContext.maxTraceStateLength // the trace context the relay may add
        if size > maxRecordBytes { throw refuse("\(size) bytes as a record, at most \(maxRecordBytes)") }
    }
}
