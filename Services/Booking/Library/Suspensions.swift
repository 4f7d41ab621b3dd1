import Foundation
import KepuContracts
import KepuRuntime
import PostgresNIO

/// Records no-shows and suspends residents who reach the policy's limit. Used by the sweeper (sessions that ended)
/// and by cancellations after the deadline, inside their transactions.
struct Suspensions {
    let policy: NoShowPolicy
    let connection: PostgresConnection
    let logger: Logger

    /// The end of each resident's current suspension, for those suspended now.
    func activeSuspensions(of residents: [String]) async throws -> [String: Date] {
        guard !residents.isEmpty else { return [:] }
        var until: [String: Date] = [:]
        for try await (resident, date) in try await connection.execute(ActiveSuspensions(residents: residents), logger: logger) {
            until[resident] = date
        }
        return until
    }

    /// Records one no-show and returns the events to publish (the no-show, and a suspension if it is the last straw).
    func recordNoShow(booking: String, session: String, resident: String?, unit: String?, seats: Int, lateCancellation: Bool) async throws
        -> [OutgoingEvent]
    {
        let inserted = try await connection.query(
            """
            INSERT INTO no_show (booking_id, session_id, resident_id, late_cancellation) VALUES (\(booking), \(session), \(resident), \(lateCancellation))
            ON CONFLICT (booking_id) DO NOTHING RETURNING booking_id
            """, logger: logger
        ).collect()
        guard !inserted.isEmpty else { return [] }
        var events = [
            try BookingEvent.about(
                session: session, BookingEventType.noShowRecorded,
                NoShowRecorded(
                    bookingId: booking, sessionId: session, residentId: resident, unitId: unit, seats: seats, lateCancellation: lateCancellation))
        ]
        if let resident, let suspension = try await suspendIfDue(resident) {
            events.append(try BookingEvent.about(session: session, BookingEventType.residentSuspended, suspension))
        }
        return events
    }

    /// Counts no-shows in the window since the last suspension began; at the limit, suspends (once).
    private func suspendIfDue(_ resident: String) async throws -> ResidentSuspended? {
        let count =
            try await connection.query(
                """
                SELECT count(*)::int FROM no_show n
                WHERE n.resident_id = \(resident)
                  AND n.recorded_at > now() - make_interval(days => \(policy.windowDays)::int)
                  AND n.recorded_at > COALESCE((SELECT created_at FROM resident_suspension WHERE resident_id = \(resident)), '-infinity')
                """, logger: logger
            ).collect().first?.decode(Int.self) ?? 0
        guard count >= policy.limit else { return nil }
        let until =
            try await connection.query(
                """
                INSERT INTO resident_suspension (resident_id, suspended_until, no_shows, created_at)
                VALUES (\(resident), now() + make_interval(days => \(policy.suspensionDays)::int), \(count), clock_timestamp())
                ON CONFLICT (resident_id) DO UPDATE
                    SET suspended_until = EXCLUDED.suspended_until, no_shows = EXCLUDED.no_shows, created_at = EXCLUDED.created_at
                RETURNING suspended_until
                """, logger: logger
            ).collect().first?.decode(Date.self) ?? Date()
        logger.info("resident suspended", metadata: ["no_shows": "\(count)"])
        return ResidentSuspended(residentId: resident, suspendedUntil: until, noShows: count, windowDays: policy.windowDays)
    }
}
