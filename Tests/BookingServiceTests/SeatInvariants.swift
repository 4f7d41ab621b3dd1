import KepuRuntime
import KepuTestSupport
import Testing

/// What the concurrency tests hold booking to once every request is decided and every answer published.
enum SeatInvariants {
    /// Waits for `requests` decided and the outbox drained, then expects no session over capacity and every
    /// session's `confirmed_seats` equal to the seats of its bookings in `holding` statuses.
    static func expectSettled(_ database: DatabaseSettings, requests: Int, holding: [String]) async throws {
        try await eventually("every request decided", timeout: .seconds(300)) {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM booking_request") >= requests
        }
        try await eventually("every answer published", timeout: .seconds(120)) {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 0
        }
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM session WHERE confirmed_seats > capacity") == 0)
        // The statuses are this file's constants, never input.
        let statuses = holding.map { "'\($0)'" }.joined(separator: ", ")
        #expect(
            try await TestPostgres.count(
                database,
                """
                SELECT count(*)::int FROM session s WHERE s.confirmed_seats <> COALESCE(
                  (SELECT sum(seats) FROM booking b WHERE b.session_id = s.id AND b.status IN (\(statuses))), 0)
                """) == 0, "confirmed_seats matches the bookings")
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM booking_request") == requests)
    }
}
