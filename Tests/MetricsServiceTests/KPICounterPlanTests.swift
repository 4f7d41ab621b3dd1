import Foundation
import KepuDomain
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import MetricsService

@Suite("the periodic reads of kpi_counter do not read the whole table (real PostgreSQL)")
struct KPICounterPlanTests {
    let logger = Logger(label: "kpi-counter-plan-test")

    @Test("with a year of days for 100 units and a handful pending, the round's query goes through kpi_counter_due and finds exactly those")
    func pendingGroupsThroughTheIndex() async throws {
        try await TestPostgres.withServiceDatabase(component: "metrics", migrations: MetricsSchema.migrations) { [logger] client in
            // 36,500 groups already published an hour ago; five with changes since, their last snapshot as old.
            try await client.query(
                """
                INSERT INTO kpi_counter (unit_id, period_kind, period_key, version, published_version, published_at, bookings_made)
                SELECT 'sz.site-' || u, 'day', to_char(date '2026-01-01' + d, 'YYYY-MM-DD'), 3, 3, now() - interval '1 hour', 7
                FROM generate_series(1, 100) u, generate_series(0, 364) d
                """, logger: logger)
            try await client.query(
                """
                UPDATE kpi_counter SET version = version + 1, pending_since = now() - interval '2 seconds', bookings_made = bookings_made + 1
                WHERE period_key = '2026-11-29' AND unit_id IN ('sz.site-1', 'sz.site-20', 'sz.site-41', 'sz.site-77', 'sz.site-100')
                """, logger: logger)
            try await client.query("ANALYZE kpi_counter", logger: logger)

            let round = SnapshotPublisher.dueGroups(intervalMilliseconds: 1000, now: Date())
            let plan = try await TestPostgres.plan(of: round, client: client)
            #expect(
                plan.contains { $0.contains("kpi_counter_due") },
                "the round reads through the index of pending groups:\n\(plan.joined(separator: "\n"))")
            #expect(!plan.contains { $0.contains("Seq Scan on kpi_counter") }, "\(plan.joined(separator: "\n"))")

            var due: [(unit: String, period: String)] = []
            for try await row in try await client.query(round, logger: logger) {
                let columns = row.makeRandomAccess()
                due.append((try columns[0].decode(String.self), try columns[2].decode(String.self)))
            }
            #expect(Set(due.map(\.unit)) == ["sz.site-1", "sz.site-20", "sz.site-41", "sz.site-77", "sz.site-100"])
            #expect(due.allSatisfy { $0.period == "2026-11-29" })
        }
    }

    @Test("after a backlog, with statistics taken while every group was pending, the round still goes through kpi_counter_due")
    func pendingGroupsAfterABacklog() async throws {
        try await TestPostgres.withServiceDatabase(component: "metrics", migrations: MetricsSchema.migrations) { [logger] client in
            // A backlog's groups, all pending when the table was last analysed (autovacuum had not come round yet)...
            try await client.query(
                """
                INSERT INTO kpi_counter (unit_id, period_kind, period_key, version, published_version, pending_since, published_at, bookings_made)
                SELECT 'sz.site-' || u, 'day', to_char(date '2026-01-01' + d, 'YYYY-MM-DD'), 1, 0, now() - interval '1 minute',
                       now() - interval '1 hour', 7
                FROM generate_series(1, 100) u, generate_series(0, 364) d
                """, logger: logger)
            try await client.query("ANALYZE kpi_counter", logger: logger)
            // ...and published since, but for a handful: the statistics still say 36,500 are pending.
            try await client.query(
                """
                UPDATE kpi_counter SET published_version = version, pending_since = NULL, published_at = now() - interval '10 seconds'
                WHERE NOT (period_key = '2026-11-29' AND unit_id IN ('sz.site-1', 'sz.site-20', 'sz.site-41'))
                """, logger: logger)
            let round = SnapshotPublisher.dueGroups(intervalMilliseconds: 1000, now: Date())
            let plan = try await TestPostgres.plan(of: round, client: client)
            // A round every tenth of a second reading a table of every group ever counted took most of a core.
            #expect(!plan.contains { $0.contains("Seq Scan on kpi_counter") }, "\(plan.joined(separator: "\n"))")
            var due: [String] = []
            for try await row in try await client.query(round, logger: logger) { due.append(try row.makeRandomAccess()[0].decode(String.self)) }
            #expect(Set(due) == ["sz.site-1", "sz.site-20", "sz.site-41"])
        }
    }

    @Test("with a year of days for 200 units, the weak-spot window's totals go through kpi_counter_day and sum only its days")
    func weakSpotWindowThroughTheIndex() async throws {
        try await TestPostgres.withServiceDatabase(component: "metrics", migrations: MetricsSchema.migrations) { [logger] client in
            // Every day of 2026 for 200 units (one booking a day each), and their weeks and months.
            try await client.query(
                """
                INSERT INTO kpi_counter (unit_id, period_kind, period_key, bookings_made)
                SELECT 'sz.site-' || u, 'day', to_char(date '2026-01-01' + d, 'YYYY-MM-DD'), 1
                FROM generate_series(1, 200) u, generate_series(0, 364) d
                UNION ALL
                SELECT 'sz.site-' || u, 'week', '2026-W' || lpad(w::text, 2, '0'), 7 FROM generate_series(1, 200) u, generate_series(1, 52) w
                UNION ALL
                SELECT 'sz.site-' || u, 'month', '2026-' || lpad(m::text, 2, '0'), 30 FROM generate_series(1, 200) u, generate_series(1, 12) m
                """, logger: logger)
            try await client.query("ANALYZE kpi_counter", logger: logger)

            let last = ShanghaiDay(year: 2026, month: 11, day: 29)
            let window = KPIQueries.windowTotalsQuery(days: last.advanced(by: -29)...last)
            let plan = try await TestPostgres.plan(of: window, client: client)
            #expect(plan.contains { $0.contains("kpi_counter_day") }, "the window reads through the index of days:\n\(plan.joined(separator: "\n"))")
            #expect(!plan.contains { $0.contains("Seq Scan on kpi_counter") }, "\(plan.joined(separator: "\n"))")

            let totals = try await KPIQueries(client: client, logger: logger).windowTotals(days: last.advanced(by: -29)...last)
            #expect(totals.count == 200)
            #expect(totals.values.allSatisfy { $0[.bookingsMade] == 30 })
        }
    }
}
