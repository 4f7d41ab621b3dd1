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
}
