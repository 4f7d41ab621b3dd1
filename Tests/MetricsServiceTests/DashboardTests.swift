import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuTestSupport
import Testing

@Suite("dashboard, JSON API and evaluation report (real metrics process, PostgreSQL, embedded cluster, headless Chromium)", .startsServiceProcesses)
struct DashboardTests {
    func json(_ service: ServiceProcess, _ path: String) async throws -> [String: Any] {
        let response = try #require(await service.get(path), "no answer from \(path)")
        #expect(response.status == 200, "\(path): \(response.body)")
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
    }

    func count(_ object: Any?, _ kpi: String) -> Int64? {
        ((object as? [String: Any])?["kpis"] as? [String: Any])?[kpi].flatMap { ($0 as? NSNumber)?.int64Value }
    }

    @Test("the dashboard shows the API's numbers and follows new events; rankings, trend and the report's CSV agree")
    func dashboardAPIAndReport() async throws {
        let cluster = try MetricsHarness.cluster()
        let today = ShanghaiDay(Date())
        let first = SyntheticBookingEvents(sessions: 24, eventsPerSession: 30, firstDay: today.start, days: 1, seed: 3, prefix: "a")
        try await publish(first.events, to: cluster)
        let database = try await TestPostgres.freshDatabase()
        let service = try await MetricsHarness.start(database: database, cluster: cluster)
        try await eventually("metrics has folded the first events") { try await MetricsHarness.folded(database) == first.events.count }

        // JSON API: the city, its districts, the trend, rankings and alerts.
        let city = try await json(service, "/api/kpis?unit=sz")
        #expect(city["level"] as? String == "city")
        #expect(count(city, "bookings_made") == first.cityTotals["bookings_made"])
        #expect(count(city, "seats_booked") == first.cityTotals["seats_booked"])
        let fill = try #require((city["kpis"] as? [String: Any])?["fill_rate"] as? [String: Any])
        #expect((fill["denominator"] as? NSNumber)?.int64Value == first.cityTotals["seats_offered"])
        let children = try #require(try await json(service, "/api/units/sz/children")["children"] as? [[String: Any]])
        #expect(children.map { $0["unit"] as? String } == ["sz-d0", "sz-d1", "sz-d2", "sz-d3"])
        #expect(children.compactMap { count($0, "bookings_made") }.reduce(0, +) == first.cityTotals["bookings_made"])
        let street = try #require(try await json(service, "/api/units/sz-d0/children")["children"] as? [[String: Any]])
        #expect(street.allSatisfy { $0["level"] as? String == "street" })
        let trend = try #require(try await json(service, "/api/trend?unit=sz&days=7")["points"] as? [[String: Any]])
        #expect(trend.count == 7 && trend.last?["day"] as? String == today.description)
        #expect(count(trend.last, "bookings_made") == first.cityTotals["bookings_made"])
        let ranking = try #require(try await json(service, "/api/rankings?level=district")["units"] as? [[String: Any]])
        #expect(ranking.count == 4)
        let scores = ranking.compactMap { ($0["score"] as? NSNumber)?.doubleValue }
        #expect(scores == scores.sorted(by: >), "best first")
        let sessions = try #require(try await json(service, "/api/rankings/sessions")["sessions"] as? [[String: Any]])
        #expect(!sessions.isEmpty && (sessions.first?["rank"] as? Int) == 1)
        #expect(try await json(service, "/api/alerts")["alerts"] is [Any])
        #expect(await service.get("/api/kpis?unit=sz&period=month:2026-13")?.status == 400)
        #expect(await service.get("/api/kpis?unit=nowhere")?.status == 404)

        // The report: HTML with the districts and a chart, and a CSV whose district rows add up to the city's.
        let month = try #require(ReportingPeriod.current(.month, at: Date()))
        let html = try #require(await service.get("/report?period=month:\(month.key)"))
        #expect(html.status == 200 && html.body.contains("data-unit=\"sz-d3\"") && html.body.contains("<svg id=\"fill-chart\""))
        let csv = try #require(await service.get("/report.csv?period=month:\(month.key)"))
        let rows = csv.body.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.first == ["section", "unit", "level", "kpi", "value", "numerator", "denominator", "previous_value", "change", "period"])
        let seats = rows.filter { $0.count == 10 && $0[0] == "kpi" && $0[3] == "seats_booked" }
        let cityRow = try #require(seats.first { $0[1] == "sz" })
        #expect(Int64(cityRow[4]) == first.cityTotals["seats_booked"])
        #expect(seats.filter { $0[2] == "district" }.compactMap { Int64($0[4]) }.reduce(0, +) == first.cityTotals["seats_booked"])

        // The dashboard in a real browser: the same numbers as the API, then the new ones as events arrive.
        let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(service.httpPort)/dashboard")
        defer { Task { await browser.close() } }
        let shown = "document.getElementById('kpi-bookings_made') ? document.getElementById('kpi-bookings_made').dataset.value : null"
        try await eventually("the dashboard shows the city's bookings") {
            try await browser.evaluate(shown) == "\"\(first.cityTotals["bookings_made"] ?? -1)\""
        }
        #expect(
            try await browser.evaluate("document.getElementById('kpi-fill_rate').dataset.denominator")
                == "\"\(first.cityTotals["seats_offered"] ?? -1)\"")
        #expect(try await browser.evaluate("document.querySelectorAll('#children tbody tr.unit').length") == "4")
        #expect(try await browser.evaluate("document.getElementById('unit-title').textContent.startsWith('sz (city)')") == "true")
        // Drill down into a district: its streets appear (those the stream's sessions are in).
        let streets = Set(
            first.events.compactMap { try? CloudEvent(headers: $0.headers, value: $0.value) }
                .filter { $0.type == BookingEventType.sessionCreated }
                .compactMap { try? $0.decodeData(as: SessionPublished.self).unitPath }
                .filter { $0.count > 2 && $0[1] == "sz-d0" }.map { $0[2] }
        ).sorted()
        #expect(!streets.isEmpty)
        _ = try await browser.evaluate("document.querySelector('#children tr[data-unit=\"sz-d0\"]').click()")
        try await eventually("the drill-down shows sz-d0's streets \(streets)") {
            try await browser.evaluate("Array.from(document.querySelectorAll('#children tbody tr.unit')).map(r => r.dataset.unit).sort().join(',')")
                == "\"\(streets.joined(separator: ","))\""
        }
        _ = try await browser.evaluate("document.querySelector('#crumbs a').click()")

        // A plan line's view: only its KPIs as tiles, the children compared by them; then back to all lines.
        _ = try await browser.evaluate("(() => { const s = document.getElementById('line'); s.value = 'bookings'; s.onchange(); })()")
        try await eventually("the bookings line's view") {
            let tiles = try await browser.evaluate("document.querySelectorAll('#tiles .tile').length")
            let lectures = try await browser.evaluate("document.getElementById('kpi-lectures_held')")
            return tiles == "10" && lectures == "null"
        }
        #expect(
            try await browser.evaluate("document.getElementById('kpi-seats_booked').dataset.value") == "\"\(first.cityTotals["seats_booked"] ?? -1)\""
        )
        #expect(try await browser.evaluate("document.querySelector('#children thead th:nth-child(2)').textContent") == "\"sessions offered\"")
        _ = try await browser.evaluate("(() => { const s = document.getElementById('line'); s.value = ''; s.onchange(); })()")
        try await eventually("all lines again") { try await browser.evaluate("document.getElementById('kpi-lectures_held')") != "null" }

        let second = SyntheticBookingEvents(sessions: 12, eventsPerSession: 30, firstDay: today.start, days: 1, seed: 4, prefix: "b")
        try await publish(second.events, to: cluster)
        let total = first.events.count + second.events.count
        try await eventually("metrics has folded the new events") { try await MetricsHarness.folded(database) == total }
        let updated = (first.cityTotals["bookings_made"] ?? 0) + (second.cityTotals["bookings_made"] ?? 0)
        #expect(count(try await json(service, "/api/kpis?unit=sz"), "bookings_made") == updated)
        try await eventually("the open dashboard follows, without a reload", timeout: .seconds(20)) {
            try await browser.evaluate(shown) == "\"\(updated)\""
        }
        #expect(try await browser.evaluate("Number(document.body.dataset.updates) > 1") == "true")
        _ = await service.terminate()
    }
}
