import Foundation
import Logging
import PostgresNIO

/// Writes outgoing events in the caller's transaction (the transactional outbox).
public enum Outbox {
    /// The NOTIFY channel that wakes the relay when a transaction with outbox rows commits.
    static let channel = "kepu_outbox"

    /// Appends events in one statement and notifies the relay (the notification is delivered at commit).
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
            INSERT INTO outbox_message (event_id, topic, message_key, event_type, event_source, event_time, subject, payload)
            SELECT e.id, e.topic, e.key, e.type, e.source, e.time, NULLIF(e.subject, ''), e.payload
            FROM unnest(\(ids)::text[], \(topics)::text[], \(keys)::text[], \(types)::text[], \(sources)::text[],
                        \(times)::timestamptz[], \(subjects)::text[], \(payloads)::text[])
                 WITH ORDINALITY AS e(id, topic, key, type, source, time, subject, payload, n)
            ORDER BY e.n
            """, logger: logger)
        try await connection.query("SELECT pg_notify(\(channel), '')", logger: logger)
    }
}
