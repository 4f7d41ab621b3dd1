import Foundation
import Hummingbird
import HummingbirdTesting
import KepuRuntime
import KepuTestSupport
import MetricsService
import PostgresNIO
import Testing

/// metrics' HTTP API in process (HummingbirdTesting, real PostgreSQL, no broker): the JSON each read answers with,
/// and the reasons for what it refuses.
@Suite("Metrics routes (in process)")
struct MetricsRoutesTests {
    static let definition = try! MetricsService.definition(environment: [:])

    static func seed(_ client: PostgresClient) async throws {
        try await client.query(
            """
            INSERT INTO metric_unit (unit_id, parent_id, level, path) VALUES
              ('sz', NULL, 'city', '{sz}'), ('sz-futian', 'sz', 'district', '{sz,sz-futian}'), ('sz-luohu', 'sz', 'district', '{sz,sz-luohu}')
            """)
        try await client.query(
            """
            INSERT INTO kpi_counter (unit_id, period_kind, period_key, seats_offered, seats_booked, bookings_made, check_ins)
            VALUES ('sz', 'month', '2026-11', 100, 80, 40, 30), ('sz-futian', 'month', '2026-11', 60, 50, 25, 20)
            """)
    }

    @Test("units, one unit's KPIs with rates, children, rankings and alerts answer in the documented shapes")
    func reads() async throws {
        try await RouteTesting.withRoutes(of: Self.definition) { http, client in
            try await Self.seed(client)
            let units = try await http.json(.get, "/api/units?period=month:2026-11")
            #expect(units.status == .ok)
            let city = (units.json["units"] as? [[String: Any]])?.first
            #expect(city?["unit"] as? String == "sz")
            #expect(city?["parent"] is NSNull, "a city's parent is null, not missing")
            let kpis = city?["kpis"] as? [String: Any]
            #expect(kpis?["seats_booked"] as? Int == 80)
            let fill = kpis?["fill_rate"] as? [String: Any]
            #expect(fill?["value"] as? Double == 0.8)
            #expect(fill?["numerator"] as? Int == 80)
            #expect((units.json["period"] as? [String: Any])?["from"] as? String == "2026-11-01")

            let one = try await http.json(.get, "/api/kpis?unit=sz-futian&period=month:2026-11")
            #expect(one.json["unit"] as? String == "sz-futian")
            #expect(one.json["level"] as? String == "district")
            #expect((one.json["kpis"] as? [String: Any])?["check_ins"] as? Int == 20)

            let children = try await http.json(.get, "/api/units/sz/children?period=month:2026-11")
            #expect((children.json["children"] as? [[String: Any]])?.compactMap { $0["unit"] as? String } == ["sz-futian", "sz-luohu"])

            let ranking = try await http.json(.get, "/api/rankings?level=district&period=month:2026-11")
            let ranked = ranking.json["units"] as? [[String: Any]] ?? []
            #expect(ranked.first?["unit"] as? String == "sz-futian")
            #expect(ranked.first?["eligible"] as? Bool == true)
            #expect(ranked.last?["rank"] is NSNull, "a unit below the minimum bookings has no rank")

            #expect(try await http.json(.get, "/api/alerts").json["alerts"] as? [Any] != nil)
            #expect(try await http.json(.get, "/api/rankings/sessions?period=month:2026-11").status == .ok)
            let trend = try await http.json(.get, "/api/trend?unit=sz&to=2026-11-30&days=3")
            #expect((trend.json["points"] as? [Any])?.count == 3)
        }
    }

    @Test("a bad period, level or day is a 400 with the reason; an unknown unit a 404")
    func refusals() async throws {
        try await RouteTesting.withRoutes(of: Self.definition) { http, client in
            try await Self.seed(client)
            let badPeriod = try await http.json(.get, "/api/units?period=month:2026-13")
            #expect(badPeriod.status == .badRequest)
            #expect((badPeriod.json["error"] as? String)?.contains("kind:key") == true)
            #expect(try await http.json(.get, "/api/rankings?level=galaxy").status == .badRequest)
            #expect(try await http.json(.get, "/api/trend?unit=sz&to=yesterday").status == .badRequest)
            #expect(try await http.json(.get, "/api/kpis?unit=nowhere").status == .notFound)
            #expect(try await http.json(.get, "/api/units/nowhere/children").status == .notFound)
        }
    }

    @Test("the dashboard and report are HTML; the CSV is an attachment named by the period")
    func documents() async throws {
        try await RouteTesting.withRoutes(of: Self.definition) { http, client in
            try await Self.seed(client)
            try await http.execute(uri: "/report.csv?period=month:2026-11", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"kepu-report-month-2026-11.csv\"")
                #expect(String(buffer: response.body).hasPrefix("section,unit,level,kpi"))
            }
            try await http.execute(uri: "/dashboard", method: .get) { response in
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            }
        }
    }
}
