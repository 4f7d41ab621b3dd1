import Foundation
import KepuContracts
import KepuRuntime
import Logging
import PostgresNIO

/// Marks confirmed bookings of ended sessions (plus grace) as no-shows, and suspends residents who reach the limit.
///
/// Safe with several replicas: it runs as a `SingleReplicaTask` (one replica sweeps at a time) and the status change
/// is a conditional update, so no booking is counted twice.
enum NoShowSweeper {
    static func task(client: PostgresClient, policy: NoShowPolicy, logger: Logger) -> SingleReplicaTask {
        SingleReplicaTask(name: "booking.no-show-sweep", interval: .seconds(policy.sweepSeconds), client: client, logger: logger) {
            try await sweep($0, policy: policy)
        }
    }

    /// Marks up to 500 confirmed bookings whose session ended more than `graceMinutes` ago as no-shows, oldest
    /// session first (skipping bookings another transaction holds), returning them. The end is compared as
    /// `ends_at < now() - grace`, so `session_by_end` can bound it, and only confirmed bookings are looked up
    /// (`booking_by_session`, by session and status): the booking history is never read. The ids are an array, so the update finds them by
    /// primary key (as `IN (subquery)` the planner may hash-join them against a sequential scan of `booking`).
    static func markDueBookings(graceMinutes: Int) -> PostgresQuery {
        """
        UPDATE booking SET status = 'no_show', updated_at = now()
        WHERE id = ANY(ARRAY(
            SELECT b.id FROM booking b JOIN session s ON s.id = b.session_id
            WHERE b.status = 'confirmed' AND s.ends_at < now() - make_interval(mins => \(graceMinutes)::int)
            ORDER BY s.ends_at LIMIT 500 FOR UPDATE OF b SKIP LOCKED))
        RETURNING id, session_id, resident_id, unit_id, seats
        """
    }

    /// One round of at most 500 bookings; returns how many were marked.
    static func sweep(_ transaction: HandlerTransaction, policy: NoShowPolicy) async throws -> Int {
        let connection = transaction.connection
        let logger = transaction.logger
        let rows = try await connection.query(markDueBookings(graceMinutes: policy.graceMinutes), logger: logger).collect()
        let suspensions = Suspensions(policy: policy, connection: connection, logger: logger)
        for row in rows {
            let (booking, session, resident, unit, seats) = try row.decode((String, String, String?, String?, Int).self)
            for event in try await suspensions.recordNoShow(
                booking: booking, session: session, resident: resident, unit: unit, seats: seats, lateCancellation: false)
            {
                transaction.emit(event)
            }
        }
        return rows.count
    }
}
