import Foundation
import KepuContracts
import KepuDomain
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import KepuRuntime
@testable import MetricsService

@Suite("weak-spot alerts raise once and resolve once (real PostgreSQL)")
struct WeakSpotAlertTests {
    let logger = Logger(label: "alerts-test")

    func group(_ unit: String, _ day: ShanghaiDay) -> CounterGroup {
        CounterGroup(unitId: unit, period: ReportingPeriod(kind: .day, key: day.description))
    }

    @Test("a district's low fill rate and an idle site: raised once, quiet while unchanged, resolved once when fixed")
    func raiseAndResolve() async throws {
        try await TestPostgres.withServiceDatabase(component: "metrics", migrations: MetricsSchema.migrations) { client in
            let today = ShanghaiDay(year: 2026, month: 11, day: 29)
            let now = today.start.addingTimeInterval(12 * 3600)
            let alerts = WeakSpotAlerts(settings: .defaults, queries: KPIQueries(client: client, logger: logger))

            try await client.withTransaction(logger: logger) { connection in
                let store = MetricsStore(connection: connection, logger: logger)
                try await store.ensureUnits(onPaths: [["sz", "d1"], ["sz", "d2"], ["sz", "d3", "site-a"]])
                // Fill rates over the window: d1 80 %, d2 70 %, d3 20 % (under half the median 70 %).
                var deltas: [CounterKey: Int64] = [:]
                for (unit, booked) in [("d1", 80), ("d2", 70), ("d3", 20)] {
                    deltas[CounterKey(group: group(unit, today.advanced(by: -3)), kpi: KPI.seatsBooked)] = Int64(booked)
                    deltas[CounterKey(group: group(unit, today.advanced(by: -3)), kpi: KPI.seatsOffered)] = 100
                }
                try await store.addCounters(deltas)
                // site-a last held a session 61 days ago (the idle limit is 60).
                let start = today.advanced(by: -61).start.addingTimeInterval(9 * 3600)
                _ = try await store.insertSessions([
                    SessionPublished(
                        sessionId: "old", venueId: "v", venueKind: .practiceSite, unitPath: ["sz", "d3", "site-a"], title: "", startsAt: start,
                        endsAt: start.addingTimeInterval(7200), capacity: 10, dedicated: false)
                ])
            }

            func evaluate() async throws -> (raised: [String], resolved: [String]) {
                let result = try await client.withOutboxTransaction(logger: logger) { transaction in
                    try await alerts.evaluate(in: transaction, now: now)
                }
                return (result.raised.map(\.key).sorted(), result.resolved.map(\.key).sorted())
            }

            let first = try await evaluate()
            #expect(first.raised == ["low_fill_rate|d3", "no_recent_session|site-a"])
            #expect(first.resolved.isEmpty)
            let again = try await evaluate()
            #expect(again.raised.isEmpty && again.resolved.isEmpty, "nothing crossed, nothing published")

            // d3 fills up, and site-a holds a session yesterday.
            try await client.withTransaction(logger: logger) { connection in
                let store = MetricsStore(connection: connection, logger: logger)
                try await store.addCounters([CounterKey(group: group("d3", today.advanced(by: -3)), kpi: KPI.seatsBooked): 55])
                let start = today.advanced(by: -1).start.addingTimeInterval(9 * 3600)
                _ = try await store.insertSessions([
                    SessionPublished(
                        sessionId: "recent", venueId: "v", venueKind: .practiceSite, unitPath: ["sz", "d3", "site-a"], title: "", startsAt: start,
                        endsAt: start.addingTimeInterval(7200), capacity: 10, dedicated: false)
                ])
            }
            let fixed = try await evaluate()
            #expect(fixed.raised.isEmpty)
            #expect(fixed.resolved == ["low_fill_rate|d3", "no_recent_session|site-a"])
            let quiet = try await evaluate()
            #expect(quiet.raised.isEmpty && quiet.resolved.isEmpty)

            // Exactly one raised and one resolved event per key went to the outbox, with the unit's place.
            let rows = try await client.query(
                "SELECT event_type, message_key, payload FROM outbox_message WHERE topic = \(Topics.metricAlerts.name) ORDER BY id", logger: logger)
            var events: [(String, String, WeakSpotAlert)] = []
            for try await (type, key, payload) in rows.decode((String, String, String).self) {
                events.append((type, key, try CloudEvent.jsonDecoder.decode(WeakSpotAlert.self, from: Data(payload.utf8))))
            }
            #expect(
                events.map { "\($0.0)|\($0.1)" }.sorted() == [
                    "kepu.metrics.alert-raised.v1|low_fill_rate|d3", "kepu.metrics.alert-raised.v1|no_recent_session|site-a",
                    "kepu.metrics.alert-resolved.v1|low_fill_rate|d3", "kepu.metrics.alert-resolved.v1|no_recent_session|site-a",
                ])
            let raisedD3 = try #require(events.first { $0.0 == MetricEventType.alertRaised && $0.1 == "low_fill_rate|d3" }?.2)
            #expect(raisedD3.unitLevel == "district" && raisedD3.unitPath == ["sz", "d3"])
            #expect(abs(raisedD3.value - 0.2) < 1e-9 && abs(raisedD3.threshold - 0.35) < 1e-9)
            // The resolved events carry the numbers that no longer cross: d3's fill rate now, site-a idle one day.
            let resolvedD3 = try #require(events.first { $0.0 == MetricEventType.alertResolved && $0.1 == "low_fill_rate|d3" }?.2)
            #expect(resolvedD3.value >= resolvedD3.threshold && resolvedD3.value > raisedD3.value, "\(resolvedD3.value) vs \(resolvedD3.threshold)")
            #expect(resolvedD3.resolvedAt != nil && resolvedD3.raisedAt == raisedD3.raisedAt)
            let resolvedSite = try #require(events.first { $0.0 == MetricEventType.alertResolved && $0.1 == "no_recent_session|site-a" }?.2)
            #expect(resolvedSite.value == 1 && resolvedSite.threshold == 60)
            #expect(try await KPIQueries(client: client, logger: logger).openAlerts().isEmpty)
        }
    }

    @Test("a district below its peers per capita and one whose activities fell: raised once, resolved once, with the numbers")
    func planLineRules() async throws {
        try await TestPostgres.withServiceDatabase(component: "metrics", migrations: MetricsSchema.migrations) { client in
            let today = ShanghaiDay(year: 2026, month: 11, day: 29)
            let now = today.start.addingTimeInterval(12 * 3600)
            let alerts = WeakSpotAlerts(settings: .defaults, queries: KPIQueries(client: client, logger: logger))
            func add(_ counts: [(String, Int, Int64)]) async throws {
                try await client.withTransaction(logger: logger) { connection in
                    let store = MetricsStore(connection: connection, logger: logger)
                    var deltas: [CounterKey: Int64] = [:]
                    for (unit, daysAgo, held) in counts {
                        deltas[CounterKey(group: group(unit, today.advanced(by: -daysAgo)), kpi: KPI.activitiesHeld)] = held
                    }
                    try await store.addCounters(deltas)
                }
            }
            try await client.withTransaction(logger: logger) { connection in
                try await MetricsStore(connection: connection, logger: logger).ensureUnits(onPaths: [["sz", "d1"], ["sz", "d2"], ["sz", "d3"]])
            }
            try await client.query("UPDATE metric_unit SET population = 100000 WHERE level = 'district'", logger: logger)
            // The last 30 days: d1 100 activities, d2 90, d3 10 (1 per 10,000 residents, under half the median 9).
            // The 30 days before: d1 100, d2 200 (so d2 fell by 55 %), d3 5 (too few to speak of a trend).
            try await add([("d1", 3, 100), ("d2", 3, 90), ("d3", 3, 10), ("d1", 40, 100), ("d2", 40, 200), ("d3", 40, 5)])

            func evaluate() async throws -> (raised: [WeakSpotAlert], resolved: [WeakSpotAlert]) {
                try await client.withOutboxTransaction(logger: logger) { transaction in try await alerts.evaluate(in: transaction, now: now) }
            }
            let first = try await evaluate()
            #expect(first.raised.map(\.key).sorted() == ["below_peers|d3", "falling_trend|d2"])
            let peers = try #require(first.raised.first { $0.rule == "below_peers" })
            #expect(peers.value == 1 && peers.threshold == 0.5)
            #expect(peers.detail.contains("activities 1.00 per 10,000 residents against a median of 9.00"), "\(peers.detail)")
            let trend = try #require(first.raised.first { $0.rule == "falling_trend" })
            #expect(trend.detail.contains("activities 90, down 55% from 200"), "\(trend.detail)")
            let again = try await evaluate()
            #expect(again.raised.isEmpty && again.resolved.isEmpty)

            // d3 catches up (90) and d2 recovers (190, down 5 %).
            try await add([("d3", 2, 80), ("d2", 2, 100)])
            let fixed = try await evaluate()
            #expect(fixed.raised.isEmpty)
            #expect(fixed.resolved.map(\.key).sorted() == ["below_peers|d3", "falling_trend|d2"])
            #expect(fixed.resolved.allSatisfy { $0.value == 0 && $0.resolvedAt != nil })
            let quiet = try await evaluate()
            #expect(quiet.raised.isEmpty && quiet.resolved.isEmpty)
        }
    }

    @Test("below_peers needs two districts with residents; falling_trend ignores small numbers", arguments: [false, true])
    func planLineRulesSayNothingWithoutGrounds(twoDistricts: Bool) {
        let rules = WeakSpotRules(settings: .defaults)
        var totals: [String: KPIValues] = [:]
        totals["d1", default: KPIValues()].counts[.activitiesHeld] = 50
        totals["d2", default: KPIValues()].counts[.activitiesHeld] = 1
        let units = [
            UnitInfo(id: "d1", level: .district, path: ["sz", "d1"], parentId: "sz", population: 10_000),
            UnitInfo(id: "d2", level: .district, path: ["sz", "d2"], parentId: "sz", population: twoDistricts ? 10_000 : nil),
        ]
        let peers = rules.belowPeers(totals: totals, districts: units)
        #expect(peers.filter(\.crossed).map(\.unitId) == (twoDistricts ? ["d2"] : []))
        var before: [String: KPIValues] = [:]
        before["d2", default: KPIValues()].counts[.activitiesHeld] = 9
        #expect(rules.fallingTrend(totals: totals, before: before, districts: units).isEmpty, "9 is under the minimum of 10")
    }
}
