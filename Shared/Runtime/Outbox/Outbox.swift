import Foundation
import Logging
import PostgresNIO

/// Writes outgoing events in the caller's transaction (the transactional outbox).
public enum Outbox {
    /// The NOTIFY channel that wakes the relay when a transaction with outbox rows commits.
    static let channel = "kepu_outbox"

    /// The transaction-level advisory lock that orders appends (an arbitrary constant).
    static let appendLockKey: Int64 = 0x6B65_7075_6F72_6472  // "kepuordr"

    /// Appends events and notifies the relay (the notification is delivered at commit), in one statement.
    ///
    /// The append lock is taken before the rows get their ids (from a sequence without a per-session cache: the
    /// ids are the insert's defaults, computed for rows that come out of the join with the lock's row) and held
    /// until the commit, so outbox ids are in commit order: once the relay sees a row, every row with a smaller id
    /// has committed or rolled back, and the relay can read on from the last id it published instead of
    /// rescanning the table (whose published rows leave dead index entries behind until vacuum). Appends are the
    /// last statements before a commit, so the lock is held only for the insert and the commit, and never while
    /// waiting for another lock.
    public static func append(_ events: [OutgoingEvent], on connection: PostgresConnection, logger: Logger) async throws {
        guard !events.isEmpty else { return }
        let ids = events.map(\.event.id)
        let topics = events.map(\.topic)
        let keys = events.map(\.key)
        let types = events.map(\.event.type)
        let sources = events.map(\.event.source)
        let times = events.map { $0.event.time ?? Date() }
        let subjects = events.map { $0.event.subject ?? "" }
        let payloads = events.map { String(decoding: $0.event.data, as: UTF8.self) }
        try await connection.query(
            """
            WITH ordering AS MATERIALIZED (SELECT pg_advisory_xact_lock(\(appendLockKey)), pg_notify(\(channel), ''))
            INSERT INTO outbox_message (event_id, topic, message_key, event_type, event_source, event_time, subject, payload)
            SELECT e.id, e.topic, e.key, e.type, e.source, e.time, NULLIF(e.subject, ''), e.payload
            FROM ordering,
                 unnest(\(ids)::text[], \(topics)::text[], \(keys)::text[], \(types)::text[], \(sources)::text[],
                        \(times)::timestamptz[], \(subjects)::text[], \(payloads)::text[])
                 WITH ORDINALITY AS e(id, topic, key, type, source, time, subject, payload, n)
            ORDER BY e.n
            """, logger: logger)
    }
}
