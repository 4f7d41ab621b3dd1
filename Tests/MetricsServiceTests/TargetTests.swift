import Foundation
import HummingbirdTesting
import KepuContracts
import KepuDomain
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import KepuRuntime
@testable import MetricsService

/// Targets (目标): what they measure, the default set, attainment per unit (levels at the period's end, per
/// residents from the registry, retired sites left out), the `below_target` alert, and the admin routes.
@Suite("Targets and attainment")
struct TargetTests {
    let logger = Logger(label: "targets-test")

    @Test("a measure reads a count, a rate or a count per residents; unmeasurable is nil")
    func measures() {
        var values = KPIValues()
        values.counts = [.lecturesHeld: 4, .activityParticipants: 300, .volunteersNeeded: 10, .volunteersAccepted: 7, .booksInStock: 45]
        #expect(TargetMeasure(.count(.lecturesHeld)).value(of: values, population: nil) == 4)
        #expect(TargetMeasure(.rate(.staffingRate)).value(of: values, population: nil) == 0.7)
        #expect(TargetMeasure(.rate(.needsMetRate)).value(of: values, population: nil) == nil, "nothing to divide by")
        #expect(TargetMeasure(.count(.activityParticipants), perResidents: 1).value(of: values, population: 1_500) == 0.2)
        #expect(TargetMeasure(.count(.booksInStock), perResidents: 100).value(of: values, population: 900) == 5)
        #expect(TargetMeasure(.count(.booksInStock), perResidents: 100).value(of: values, population: nil) == nil, "population unknown")
        #expect(TargetMeasure(.count(.booksInStock), perResidents: 100).value(of: values, population: 0) == nil)
        #expect(KPI.booksInStock.isLevel && KPI.siteHeadsRegistered.isLevel && !KPI.lecturesHeld.isLevel)
    }

    @Test("a target as sent: unknown KPIs, rates per residents, site kinds off sites and odd numbers are refused, naming the field")
    func input() throws {
        func refusal(_ json: String) -> String? {
            do {
                _ = try CloudEvent.decodePayload(TargetInput.self, from: Array(json.utf8))
                return nil
            } catch let violation as ContractViolation {
                return violation.field
            } catch {
                return "\(error)"
            }
        }
        let good = #"{"measure":{"kpi":"lectures_held"},"level":"community","periodKind":"year","minimum":6}"#
        #expect(refusal(good) == nil)
        let target = try CloudEvent.decodePayload(TargetInput.self, from: Array(good.utf8)).target(id: "t")
        #expect(target.scope == nil && target.note == "" && target.measure.quantity == .count(.lecturesHeld))
        #expect(refusal(#"{"measure":{"kpi":"happiness"},"level":"community","periodKind":"year","minimum":6}"#) == "measure.kpi")
        #expect(
            refusal(#"{"measure":{"kpi":"fill_rate","perResidents":100},"level":"community","periodKind":"year","minimum":1}"#)
                == "measure.perResidents")
        #expect(
            refusal(#"{"measure":{"kpi":"activities_held"},"level":"street","siteKind":"station","periodKind":"month","minimum":1}"#) == "siteKind")
        #expect(refusal(#"{"measure":{"kpi":"activities_held"},"level":"site","periodKind":"day","minimum":1}"#) == "periodKind")
        #expect(refusal(#"{"measure":{"kpi":"activities_held"},"level":"site","periodKind":"month","minimum":-1}"#) == "minimum")
        #expect(refusal(#"{"measure":{"kpi":"activities_held"},"level":"site","periodKind":"month","minimum":1,"colour":"red"}"#) != nil)
    }

    /// A city, a district, three communities (populations 1,000, 2,000 and unknown), an active station, a retired
    /// station and a center; 2025's and October 2026's counts.
    static func seed(_ client: PostgresClient) async throws {
        try await client.query(
            """
            INSERT INTO metric_unit (unit_id, parent_id, level, path, population, in_registry) VALUES
              ('sz', NULL, 'city', '{sz}', NULL, true), ('d1', 'sz', 'district', '{sz,d1}', NULL, true),
              ('c1', 'd1', 'community', '{sz,d1,c1}', 1000, true), ('c2', 'd1', 'community', '{sz,d1,c2}', 2000, true),
              ('c3', 'd1', 'community', '{sz,d1,c3}', NULL, true),
              ('st1', 'c1', 'site', '{sz,d1,c1,st1}', NULL, true), ('st2', 'c2', 'site', '{sz,d1,c2,st2}', NULL, true),
              ('ctr', 'd1', 'site', '{sz,d1,ctr}', NULL, true)
            """)
        try await client.query(
            """
            INSERT INTO metric_site (site_id, kind, unit_id, active, joined) VALUES
              ('st1', 'station', 'c1', true, '2024-01-01'), ('st2', 'station', 'c2', false, '2024-01-01'), ('ctr', 'center', 'd1', true, '2024-01-01')
            """)
        // Books in stock are a level: c1 got 30 copies in 2024 and 30 in 2025 (60 at the end of 2025: 6 per 100
        // residents); c2 got 50 (2.5 per 100). Copies reported in 2026 do not count for 2025.
        try await client.query(
            """
            INSERT INTO kpi_counter (unit_id, period_kind, period_key, lectures_held, activity_participants, books_in_stock, activities_held,
                                     youth_participants) VALUES
              ('c1', 'year', '2025', 6, 250, 30, 0, 150), ('c2', 'year', '2025', 2, 100, 0, 0, 20),
              ('c1', 'day', '2024-05-01', 0, 0, 30, 0, 0), ('c1', 'day', '2025-03-01', 0, 0, 30, 0, 0), ('c2', 'day', '2025-06-01', 0, 0, 50, 0, 0),
              ('c2', 'day', '2026-02-01', 0, 0, 500, 0, 0),
              ('st1', 'month', '2026-10', 0, 0, 0, 1, 0)
            """)
    }

    @Test("a target period by period: who fell below it then and who came back, as each period's numbers stand (pure)")
    func history() throws {
        let target = try #require(KPITarget.defaults.first { $0.id == "community-lectures-year" })
        let units = ["c1", "c2", "c3"].map { UnitInfo(id: $0, level: .community, path: ["sz", "d1", $0], parentId: "d1") }
        func year(_ key: String, _ lectures: [String: Int64]) -> TargetAttainment {
            TargetAttainment(
                target: target, period: ReportingPeriod(kind: .year, key: key), units: units,
                values: lectures.mapValues { lectures in
                    var values = KPIValues()
                    values.counts = [.lecturesHeld: lectures]
                    return values
                })
        }
        let history = TargetHistory(
            target: target,
            attainments: [year("2022", ["c1": 6, "c2": 2]), year("2023", ["c1": 3, "c2": 7, "c3": 1]), year("2024", ["c1": 8, "c2": 7, "c3": 1])])
        #expect(history.steps.map(\.period.key) == ["2023", "2024"], "the year before is read, not reported")
        #expect(history.steps[0].opened.map(\.unit.id) == ["c1"], "c1 fell below in 2023; c3 (none in 2022 either) was below all along")
        #expect(history.steps[0].closed.map(\.unit.id) == ["c2"])
        #expect(history.steps[1].opened.isEmpty && history.steps[1].closed.map(\.unit.id) == ["c1"], "c3 stays below: nothing new")
        #expect(history.opened == 1 && history.closed == 2)
        #expect(history.steps[0].attainment.attainedShare == 1.0 / 3.0, "c2 alone attains it in 2023")
        #expect(ReportingPeriod(kind: .phase, key: "rollout").periods(of: .year).map(\.key) == ["2023", "2024", "2025"])
        #expect(ReportingPeriod(kind: .year, key: "2024").periods(of: .month).count == 12)
    }

    @Test("attainment per unit; below_target raised once per unit with every target it missed, resolved once when met")
    func attainmentAndAlerts() async throws {
        try await TestPostgres.withServiceDatabase(component: "metrics", migrations: MetricsSchema.migrations) { client in
            let store = TargetStore(client: client, logger: logger)
            #expect(try await store.all() == KPITarget.defaults.sorted { $0.id < $1.id }, "migrations 9 and 15 wrote the default set")
            try await Self.seed(client)

            let defaults = Dictionary(uniqueKeysWithValues: KPITarget.defaults.map { ($0.id, $0) })
            let lectures = try await store.attainment(
                of: try #require(defaults["community-lectures-year"]), in: ReportingPeriod(kind: .year, key: "2025"))
            #expect(lectures.entries.map(\.unit.id) == ["c1", "c2", "c3"])
            #expect(lectures.entries.map(\.value) == [6, 2, 0])
            #expect(lectures.attained == 1 && lectures.measured == 3)
            let books = try await store.attainment(
                of: try #require(defaults["community-books-per-100"]), in: ReportingPeriod(kind: .year, key: "2025"))
            #expect(books.entries.map(\.value) == [6, 2.5, nil], "stock at the end of 2025 per 100 residents; c3's population is unknown")
            let stations = try await store.attainment(
                of: try #require(defaults["station-monthly-activity"]), in: ReportingPeriod(kind: .month, key: "2026-10"))
            #expect(stations.entries.map(\.unit.id) == ["st1"], "the retired station is not measured")
            #expect(stations.attained == 1)

            let alerts = WeakSpotAlerts(settings: .defaults, queries: KPIQueries(client: client, logger: logger))
            let now = ShanghaiDay(year: 2026, month: 11, day: 15).start.addingTimeInterval(12 * 3600)
            func evaluate() async throws -> (raised: [WeakSpotAlert], resolved: [WeakSpotAlert]) {
                try await client.withOutboxTransaction(logger: logger) { transaction in try await alerts.evaluate(in: transaction, now: now) }
            }
            let first = try await evaluate()
            let raised = first.raised.filter { $0.rule == "below_target" }
            #expect(raised.map(\.unitId).sorted() == ["c2", "c3", "ctr"])
            let c2 = try #require(raised.first { $0.unitId == "c2" })
            #expect(c2.value == 4 && c2.threshold == 1)
            let c1 = try await store.attainment(
                of: try #require(defaults["community-youth-share-year"]), in: ReportingPeriod(kind: .year, key: "2025"))
            #expect(c1.entries.map(\.value) == [0.6, 0.2, nil], "young people among the participants; c3 held nothing")
            #expect(c2.detail.contains("under the target community-youth-share-year"), "\(c2.detail)")
            #expect(c2.detail.contains("lectures_held 2 in year:2025, under the target community-lectures-year (at least 6)"), "\(c2.detail)")
            #expect(c2.detail.contains("books_in_stock per 100 residents 2.50"), "\(c2.detail)")
            #expect(try await evaluate().raised.isEmpty, "nothing new while nothing changed")

            // The report's reading of the targets year by year is bounded: within the budget every target, past it none.
            let rollout = ReportingPeriod(kind: .phase, key: "rollout")
            let today = ShanghaiDay(year: 2026, month: 11, day: 15)
            let full = try await store.history(in: rollout, today: today)
            #expect(full.map(\.target.id) == KPITarget.defaults.map(\.id).sorted(), "every default target fits a phase's report")
            #expect(full.first { $0.target.id == "community-lectures-year" }?.steps.map(\.period.key) == ["2023", "2024", "2025"])
            // Levels read for all periods at once are the levels read period by period.
            for id in ["center-head-volunteer", "community-books-per-100"] {
                let history = try #require(full.first { $0.target.id == id })
                #expect(history.steps.count >= 3)
                for step in history.steps {
                    let alone = try await store.attainment(of: history.target, in: step.period)
                    #expect(step.attainment.entries.map(\.value) == alone.entries.map(\.value), "\(id) in \(step.period)")
                }
            }
            let booksHistory = try #require(full.first { $0.target.id == "community-books-per-100" })
            #expect(booksHistory.steps.last?.attainment.entries.map(\.value) == [6, 2.5, nil], "2025's stock, as read for the year alone above")
            let bounded = try await store.history(in: rollout, today: today, budget: 40)
            #expect(bounded.map(\.target.id) == ["center-head-volunteer"], "36 months and the one before, then nothing fits the 3 left")

            // The center's head registers as a volunteer in October: its alert resolves, once; c2's stays open.
            try await client.query(
                "INSERT INTO kpi_counter (unit_id, period_kind, period_key, site_heads_registered) VALUES ('ctr', 'day', '2026-10-20', 1)")
            let second = try await evaluate()
            #expect(second.raised.isEmpty)
            #expect(second.resolved.map(\.unitId) == ["ctr"])
            #expect(second.resolved.first?.detail.contains("attains the 1 target") == true)
            #expect(try await evaluate().resolved.isEmpty)
        }
    }

    @Test("admins set targets within their scope; anyone reads targets and attainment; refusals name the reason")
    func routes() async throws {
        try await RouteTesting.withRoutes(of: MetricsRoutesTests.definition) { http, client in
            try await Self.seed(client)
            let listed = try await http.json(.get, "/api/targets")
            #expect((listed.json["targets"] as? [[String: Any]])?.count == KPITarget.defaults.count)

            let district = try await RouteTesting.token(.districtAdmin, scope: "d1")
            let body =
                #"{"measure":{"kpi":"activities_held","perResidents":10000},"level":"community","periodKind":"year","scope":"d1","minimum":12}"#
            let put = try await http.json(.put, "/admin/targets/d1-activity-rate", bearer: district, body: body)
            #expect(put.status == .ok)
            #expect((put.json["measure"] as? [String: Any])?["perResidents"] as? Int == 10000)
            let elsewhere = try await RouteTesting.token(.districtAdmin, scope: "d9")
            #expect(try await http.json(.put, "/admin/targets/d1-activity-rate", bearer: elsewhere, body: body).status == .forbidden)
            let citywide = #"{"measure":{"kpi":"lectures_held"},"level":"community","periodKind":"year","minimum":8}"#
            #expect(try await http.json(.put, "/admin/targets/community-lectures-year", bearer: district, body: citywide).status == .forbidden)
            #expect(try await http.json(.put, "/admin/targets/community-lectures-year", admin: true, body: citywide).status == .ok)
            let unknownScope = #"{"measure":{"kpi":"lectures_held"},"level":"community","periodKind":"year","scope":"nowhere","minimum":8}"#
            #expect(try await http.json(.put, "/admin/targets/x", admin: true, body: unknownScope).status == .unprocessableContent)
            let badKPI = try await http.json(
                .put, "/admin/targets/x", admin: true, body: #"{"measure":{"kpi":"joy"},"level":"site","periodKind":"month","minimum":1}"#)
            #expect(badKPI.status == .badRequest)
            #expect((badKPI.json["error"] as? String)?.contains("measure.kpi") == true)

            let attainment = try await http.json(.get, "/api/attainment?target=community-lectures-year&period=year:2025")
            #expect(attainment.status == .ok)
            #expect(attainment.json["attained"] as? Int == 0, "the city raised the bar to 8")
            #expect((attainment.json["units"] as? [[String: Any]])?.compactMap { $0["value"] as? Double } == [6, 2, 0])
            #expect(try await http.json(.get, "/api/attainment?target=community-lectures-year&period=month:2025-01").status == .badRequest)
            #expect(try await http.json(.get, "/api/attainment?target=nothing").status == .notFound)
            #expect(try await http.json(.get, "/api/attainment").status == .badRequest)

            #expect(try await http.json(.delete, "/admin/targets/d1-activity-rate", bearer: elsewhere).status == .forbidden)
            #expect(try await http.json(.delete, "/admin/targets/d1-activity-rate", bearer: district).status == .noContent)
            #expect(try await http.json(.delete, "/admin/targets/d1-activity-rate", bearer: district).status == .notFound)
        }
    }

    @Test("coverage counts active practice sites that held an activity (a retired one drops out); per capita follows the population")
    func coverageAndPerCapita() async throws {
        try await RouteTesting.withRoutes(of: MetricsRoutesTests.definition) { http, client in
            try await Self.seed(client)
            let city = try await http.json(.get, "/api/coverage?unit=sz&period=month:2026-10")
            #expect(city.status == .ok)
            let d1 = (city.json["children"] as? [[String: Any]])?.first
            #expect(d1?["unit"] as? String == "d1")
            #expect(d1?["practiceSites"] as? Int == 2, "st1 and the center; st2 is retired")
            #expect(d1?["held"] as? Int == 1)
            #expect(d1?["coverage"] as? Double == 0.5)
            let communities = try await http.json(.get, "/api/coverage?unit=d1&period=month:2026-10")
            let byUnit = Dictionary(
                uniqueKeysWithValues: (communities.json["children"] as? [[String: Any]] ?? []).map { ($0["unit"] as? String ?? "", $0) })
            #expect(byUnit["c1"]?["coverage"] as? Double == 1)
            #expect(byUnit["c2"]?["coverage"] is NSNull, "c2's only station is retired")
            #expect(try await http.json(.get, "/api/coverage?unit=nowhere").status == .notFound)

            func perCapita() async throws -> Double? {
                let one = try await http.json(.get, "/api/kpis?unit=c1&period=year:2025")
                return (one.json["perTenThousandResidents"] as? [String: Any])?["activity_participants"] as? Double
            }
            #expect(try await perCapita() == 2_500)
            try await client.query("UPDATE metric_unit SET population = 2000 WHERE unit_id = 'c1'")
            #expect(try await perCapita() == 1_250)
        }
    }
}
