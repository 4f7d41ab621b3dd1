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
    static let lockKey: Int64 = 0x6B65_7075_6E6F_7368  // "kepunosh"

    static func task(client: PostgresClient, policy: NoShowPolicy, logger: Logger) -> SingleReplicaTask {
        SingleReplicaTask(name: "no-show sweep", lockKey: lockKey, interval: .seconds(policy.sweepSeconds), client: client, logger: logger) {
            try await sweep($0, policy: policy)
        }
    }

    /// One round of at most 500 bookings; returns how many were marked.
    static func sweep(_ transaction: HandlerTransaction, policy: NoShowPolicy) async throws -> Int {
        let connection = transaction.connection
        let logger = transaction.logger
        let rows = try await connection.query(
            """
            UPDATE booking SET status = 'no_show', updated_at = now()
            WHERE id IN (
                SELECT b.id FROM booking b JOIN session s ON s.id = b.session_id
                WHERE b.status = 'confirmed' AND s.ends_at + make_interval(mins => \(policy.graceMinutes)::int) < now()
                ORDER BY s.ends_at LIMIT 500 FOR UPDATE OF b SKIP LOCKED)
            RETURNING id, session_id, resident_id, unit_id, seats
            """, logger: logger
        ).collect()
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
