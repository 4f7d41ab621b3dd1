import Foundation
import KepuContracts
import KepuRuntime
import Logging
import PostgresNIO
import ServiceLifecycle

/// Marks confirmed bookings of ended sessions (plus grace) as no-shows, and suspends residents who reach the limit.
///
/// Safe with several replicas: each round runs in one transaction holding a transaction-level advisory lock (one
/// replica sweeps at a time) and the status change is a conditional update, so no booking is counted twice.
struct NoShowSweeper: Service {
    static let lockKey: Int64 = 0x6B65_7075_6E6F_7368  // "kepunosh"

    let client: PostgresClient
    let policy: NoShowPolicy
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    while try await sweepOnce() > 0 {}
                } catch {
                    logger.warning("no-show sweep failed; will retry", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(policy.sweepSeconds))
            }
        }
    }

    /// One round of at most 500 bookings; returns how many were marked.
    func sweepOnce() async throws -> Int {
        try await client.withTransaction(logger: logger) { connection in
            let locked = try await connection.query("SELECT pg_try_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
            guard locked else { return 0 }
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
            var events: [OutgoingEvent] = []
            for row in rows {
                let (booking, session, resident, unit, seats) = try row.decode((String, String, String?, String?, Int).self)
                events += try await suspensions.recordNoShow(
                    booking: booking, session: session, resident: resident, unit: unit, seats: seats, lateCancellation: false)
            }
            try await Outbox.append(events, on: connection, logger: logger)
            if !rows.isEmpty { logger.info("no-shows recorded", metadata: ["count": "\(rows.count)"]) }
            return rows.count
        }
    }
}
