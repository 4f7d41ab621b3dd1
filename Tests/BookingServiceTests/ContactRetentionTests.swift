import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import BookingService

/// Contact details live as long as their purpose plus `KEPU_CONTACT_RETENTION_DAYS`, then are erased; the
/// bookings and their numbers stay.
@Suite("Booking contact-details retention", .serialized, .startsServiceProcesses)
struct ContactRetentionTests {
    @Test("a session ended past the retention loses its roster's names and phones, its bookings stay; a recent one keeps them")
    func erasedAfterTheSession() async throws {
        let harness = try await BookingHarness.start()
        let old = try await harness.session(["capacity": 10])
        let recent = try await harness.session(["capacity": 10])
        try await harness.publish(
            BookingHarness.seats("old-1", session: old, resident: "r-1"), BookingHarness.seats("old-2", session: old, resident: "r-2"),
            BookingHarness.seats("recent-1", session: recent, resident: "r-3"))
        for id in ["old-1", "old-2", "recent-1"] { #expect(try await harness.outcome(of: id).type == BookingEventType.confirmed) }
        #expect(await harness.service.terminate() == 0)

        // The first session ended 3 days ago, the second yesterday; the retention is 2 days.
        try await TestPostgres.withClient(harness.database) { client in
            _ = try await client.query(
                """
                UPDATE session SET starts_at = now() - make_interval(days => CASE WHEN id = \(old) THEN 3 ELSE 1 END, hours => 2),
                                   ends_at = now() - make_interval(days => CASE WHEN id = \(old) THEN 3 ELSE 1 END)
                WHERE id IN (\(old), \(recent))
                """)
        }
        let restarted = try ServiceProcess(
            "booking", database: harness.database, bootstrap: harness.cluster.bootstrapServers, extra: ["KEPU_CONTACT_RETENTION_DAYS": "2"])
        try await restarted.waitUntilReady()
        try await eventually("the old session's contacts erased") {
            try await TestPostgres.count(harness.database, "SELECT count(*)::int FROM booking WHERE session_id = '\(old)' AND contact_phone IS NULL")
                == 2
        }
        #expect(
            try await TestPostgres.count(
                harness.database, "SELECT count(*)::int FROM booking WHERE session_id = '\(old)' AND contact_name IS NOT NULL") == 0)
        #expect(
            try await TestPostgres.count(harness.database, "SELECT count(*)::int FROM booking WHERE session_id = '\(old)'") == 2, "the bookings stay")
        #expect(
            try await TestPostgres.count(
                harness.database, "SELECT count(*)::int FROM booking WHERE session_id = '\(recent)' AND contact_phone = '13800000000'") == 1)
        #expect(
            try await TestPostgres.count(
                harness.database, "SELECT count(*)::int FROM personal_data_erasure WHERE name = 'booking.session-roster' AND last_key = '\(old)'")
                == 1,
            "the erasure's position is past the old session, before the recent one")
        #expect(restarted.log.contains("contact details erased"))
        #expect(await restarted.terminate() == 0)
        await harness.outcomes.stop()
        harness.cluster.stop()
    }

    @Test("with 20,000 sessions erased before, a round reads only the sessions past its position, through session_by_end")
    func roundReadsOnlyNewSessions() async throws {
        try await TestPostgres.withServiceDatabase(component: "booking", migrations: BookingSchema.migrations) { client in
            let logger = Logger(label: "contact-retention-test")
            try await client.query("INSERT INTO venue (id, kind, name) VALUES ('v', 'museum', 'Museum')", logger: logger)
            try await client.query(
                """
                INSERT INTO session (id, venue_id, title, starts_at, ends_at, capacity, booking_opens_at, booking_closes_at, cancellation_deadline)
                SELECT 's-' || g, 'v', 't', now() - make_interval(days => g % 900 + 40), now() - make_interval(days => g % 900 + 40) + interval '2 hours',
                       10, now() - interval '1000 days', now() - interval '40 days', now() - interval '40 days'
                FROM generate_series(1, 20000) g
                """, logger: logger)
            try await client.query("ANALYZE session", logger: logger)
            let entry = try #require(BookingSchema.contactDetails.first)
            let position = (endedAt: Date().addingTimeInterval(-45 * 86400), key: "s-5")
            let plan = try await TestPostgres.plan(of: entry.duePurposes(after: position, retentionDays: 30), client: client)
            #expect(plan.contains { $0.contains("session_by_end") }, "\(plan.joined(separator: "\n"))")
            #expect(!plan.contains { $0.contains("Seq Scan on session") }, "\(plan.joined(separator: "\n"))")
            // What the round reads: the sessions that ended between the position and the cutoff, in order.
            var due: [(String, Date)] = []
            for try await row in try await client.query(entry.duePurposes(after: position, retentionDays: 30), logger: logger).decode(
                (String, Date).self)
            {
                due.append(row)
            }
            #expect(!due.isEmpty && due.count <= 200)
            #expect(due.allSatisfy { $0.1 >= position.endedAt && $0.1 < Date().addingTimeInterval(-30 * 86400) })
            #expect(zip(due, due.dropFirst()).allSatisfy { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) })
        }
    }
}
