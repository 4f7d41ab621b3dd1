import Foundation
import KepuContracts
import KepuDomain
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
            let (sessionId, venueId, venueKind, unitPath, title, startsAt, endsAt, capacity, dedicated) =
                try row.decode((String, String, VenueKind, [String], String, Date, Date, Int, Bool).self)
            transaction.emit(
                try BookingEvent.about(
                    session: sessionId, type,
                    SessionPublished(
                        sessionId: sessionId, venueId: venueId, venueKind: venueKind, unitPath: unitPath, title: title, startsAt: startsAt,
                        endsAt: endsAt,
                        capacity: capacity, dedicated: dedicated)))
        }
    }

    static func emitClosed(_ id: String, venue: String, unitPath: [String], in transaction: HandlerTransaction) throws {
        transaction.emit(
            try BookingEvent.about(session: id, BookingEventType.sessionClosed, SessionClosed(sessionId: id, venueId: venue, unitPath: unitPath)))
    }
}
