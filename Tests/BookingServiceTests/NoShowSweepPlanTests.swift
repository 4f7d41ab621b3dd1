import Foundation
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import BookingService

@Suite("the no-show sweep does not read the booking history (real PostgreSQL)")
struct NoShowSweepPlanTests {
    let logger = Logger(label: "no-show-plan-test")

    @Test("with 3,000 past sessions of settled bookings, the sweep's plan reads no booking by a sequential scan and marks exactly the due ones")
    func dueBookingsThroughTheIndexes() async throws {
        try await TestPostgres.withServiceDatabase(component: "booking", migrations: BookingSchema.migrations) { [logger] client in
            try await client.query("INSERT INTO venue (id, kind, name) VALUES ('v', 'science_base', 'Plan test base')", logger: logger)
            // History: 3,000 sessions that ended over the last 90 days, 20 bookings each, all settled (checked in,
            // no-show or cancelled). Upcoming: 300 sessions of 20 confirmed bookings. Due: 3 sessions that ended
            // an hour ago, with 4 confirmed bookings each (and one checked in).
            try await client.query(
                """
                INSERT INTO session (id, venue_id, starts_at, ends_at, capacity, booking_opens_at, booking_closes_at, cancellation_deadline)
                SELECT id, 'v', ends - interval '2 hours', ends, 40, ends - interval '30 days', ends - interval '3 hours', ends - interval '1 day'
                FROM (SELECT 'past-' || g AS id, now() - interval '90 days' + g * interval '43 minutes' AS ends FROM generate_series(1, 3000) g
                      UNION ALL SELECT 'next-' || g, now() + g * interval '1 hour' FROM generate_series(1, 300) g
                      UNION ALL SELECT 'due-' || g, now() - interval '1 hour' - g * interval '1 minute' FROM generate_series(1, 3) g) sessions
                """, logger: logger)
            try await client.query(
                """
                INSERT INTO booking (id, session_id, request_id, party_kind, resident_id, requested_seats, seats, status, check_in_code)
                SELECT s.id || '/' || n, s.id, 'req-' || s.id || '/' || n, 'individual', 'r-' || n, 1, 1,
                       CASE WHEN s.id LIKE 'past-%' THEN (ARRAY['checked_in', 'no_show', 'cancelled'])[1 + n % 3]
                            WHEN s.id LIKE 'due-%' AND n = 5 THEN 'checked_in' ELSE 'confirmed' END,
                       'code'
                FROM session s, generate_series(1, 20) n
                WHERE s.id NOT LIKE 'due-%' OR n <= 5
                """, logger: logger)
            try await client.query("ANALYZE booking", logger: logger)
            try await client.query("ANALYZE session", logger: logger)

            let sweep = NoShowSweeper.markDueBookings(graceMinutes: 30)
            let plan = try await TestPostgres.plan(of: sweep, client: client)
            #expect(!plan.contains { $0.contains("Seq Scan on booking") }, "the sweep reads no booking history:\n\(plan.joined(separator: "\n"))")
            #expect(plan.contains { $0.contains("booking_by_session") }, "\(plan.joined(separator: "\n"))")

            var marked: [String] = []
            for try await row in try await client.query(sweep, logger: logger) {
                marked.append(try row.makeRandomAccess()[0].decode(String.self))
            }
            #expect(Set(marked) == Set((1...3).flatMap { session in (1...4).map { "due-\(session)/\($0)" } }))
        }
    }
}
