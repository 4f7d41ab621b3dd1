import Foundation
import KepuContracts
import KepuRuntime
import PostgresNIO

/// Session created/changed/closed events, read back from the rows just written so they carry exactly what is
/// stored (and the venue's kind and unit path, so consumers need no lookup).
enum SessionEvents {
    static func emitPublished(_ type: String, sessions ids: [String], in transaction: HandlerTransaction) async throws {
        let rows = try await transaction.connection.query(
            """
            SELECT s.id, s.venue_id, v.kind, v.unit_path, s.title, s.starts_at, s.ends_at, s.capacity, s.dedicated
            FROM session s JOIN venue v ON v.id = s.venue_id WHERE s.id = ANY(\(ids)) ORDER BY s.starts_at, s.id
            """, logger: transaction.logger
        ).collect()
        for row in rows {
            let c = try row.decode((String, String, String, [String], String, Date, Date, Int, Bool).self)
            transaction.emit(try BookingEvent.about(
                session: c.0, type,
                SessionPublished(
                    sessionId: c.0, venueId: c.1, venueKind: c.2, unitPath: c.3, title: c.4, startsAt: c.5, endsAt: c.6, capacity: c.7,
                    dedicated: c.8)))
        }
    }

    static func emitClosed(_ id: String, venue: String, unitPath: [String], in transaction: HandlerTransaction) throws {
        transaction.emit(try BookingEvent.about(session: id, BookingEventType.sessionClosed, SessionClosed(sessionId: id, venueId: venue, unitPath: unitPath)))
    }
}
