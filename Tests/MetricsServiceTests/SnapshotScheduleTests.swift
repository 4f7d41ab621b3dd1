import Foundation
import KepuDomain
import KepuRuntime
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import MetricsService

@Suite("the snapshot publisher wakes when the next pending group comes due (real PostgreSQL)")
struct SnapshotScheduleTests {
    let logger = Logger(label: "snapshot-schedule-test")

    @Test("the next due time is the earliest pending group's last snapshot plus the interval; groups with nothing pending do not count")
    func earliestPendingGroup() async throws {
        try await TestPostgres.withServiceDatabase(component: "metrics", migrations: MetricsSchema.migrations) { [logger] client in
            let interval = 60_000
            /// The due time a round that published nothing would return.
            func nextDue() async throws -> SingleReplicaTask.RoundResult {
                try await client.withConnection {
                    try await SnapshotPublisher.nextDue(handled: 0, connection: $0, logger: logger, intervalMilliseconds: interval)
                }
            }
            // Nothing pending: nothing due, the task keeps its own interval.
            let idle = try await nextDue()
            #expect(idle.nextDue == nil)

            // Published long ago but nothing pending (it would be overdue), and two pending: the earliest of those is 10 s old.
            try await client.query(
                """
                INSERT INTO kpi_counter (unit_id, period_kind, period_key, published_at, pending_since) VALUES
                  ('sz', 'day', '2026-11-29', now() - interval '1 hour', NULL),
                  ('sz-d1', 'day', '2026-11-29', now() - interval '10 seconds', now()),
                  ('sz-d2', 'day', '2026-11-29', now() - interval '2 seconds', now())
                """, logger: logger)
            let before = ContinuousClock.now
            let pending = try await nextDue()
            let dueIn = try #require(pending.nextDue) - before
            // 60 s after a snapshot 10 s old: about 50 s from now (generous bounds: this is not a timing test).
            #expect(dueIn > .seconds(40) && dueIn <= .seconds(50), "due in \(dueIn)")
            // After a full round the task goes on at once: no due time is asked for.
            let full = try await client.withConnection {
                try await SnapshotPublisher.nextDue(handled: 250, connection: $0, logger: logger, intervalMilliseconds: interval)
            }
            #expect(full == .init(handled: 250))

            // A pending group already overdue (a fold held it): looked at again after a thousandth of the interval.
            try await client.query("UPDATE kpi_counter SET pending_since = now() WHERE unit_id = 'sz'", logger: logger)
            let start = ContinuousClock.now
            let overdue = try await nextDue()
            let retryIn = try #require(overdue.nextDue) - start
            #expect(retryIn >= .milliseconds(60) && retryIn < .seconds(10), "retry in \(retryIn)")
        }
    }

    @Test("a fold's first change to a group with nothing pending asks the publisher to look; more changes before a snapshot do not")
    func firstChangeAsksForARound() async throws {
        try await TestPostgres.withServiceDatabase(component: "metrics", migrations: MetricsSchema.migrations) { [logger] client in
            let sz = CounterGroup(unitId: "sz", period: ReportingPeriod(kind: .day, key: "2026-11-29"))
            let d1 = CounterGroup(unitId: "sz-d1", period: ReportingPeriod(kind: .day, key: "2026-11-29"))
            /// Whether adding `kpi` to each group asks for a round.
            func add(_ groups: [CounterGroup], _ kpi: KPI = .bookingsMade) async throws -> Bool {
                try await client.withTransaction(logger: logger) { connection in
                    try await MetricsStore(connection: connection, logger: logger).addCounters(
                        Dictionary(uniqueKeysWithValues: groups.map { (CounterKey(group: $0, kpi: kpi), Int64(1)) }))
                }
            }
            #expect(try await add([sz]), "a new group")
            #expect(try await add([sz]) == false, "already pending")
            #expect(try await add([sz], KPI.checkIns) == false, "already pending, another count")
            #expect(try await add([sz, d1]), "one of them is new")
            // A snapshot carries them (as `publishDue` marks its groups): the next change is a first one again.
            try await client.query(
                "UPDATE kpi_counter SET published_version = version, published_at = now(), pending_since = NULL, changed = 0", logger: logger)
            #expect(try await add([sz]))
            #expect(try await add([sz, d1]), "d1 had nothing pending")
            #expect(try await add([sz, d1]) == false)
        }
    }
}
