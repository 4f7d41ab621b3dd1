import Foundation
import KepuContracts
import KepuDomain
import KepuKafkaEmbedded
import KepuTestSupport
import Testing

@testable import MetricsService

/// `kepu demo --history`, the real executable, against real outreach-events (the registry) and metrics: the
/// synthetic 2022-2025 programme is folded, and the evaluation report for the rollout phase and for the pilot year
/// renders in headless Chromium with every section filled, its CSV agreeing.
@Suite("the programme's history and the evaluation report (real executables, headless Chromium)", .serialized, .startsServiceProcesses)
struct ProgrammeHistoryReportTests {
    @Test("a first run's history fills every section of the report, pilots first")
    func historyReport() async throws {
        let cluster = try MetricsHarness.cluster()
        let outreach = try ServiceProcess("outreach-events", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        try await outreach.waitUntilReady()
        let metricsDatabase = try await TestPostgres.freshDatabase()
        let metrics = try await MetricsHarness.start(
            database: metricsDatabase, cluster: cluster, extra: ["KEPU_METRICS_ALERT_INTERVAL_SECONDS": "1"])
        let run = try await runTool(
            "kepu",
            [
                "demo", "--history", "--history-scale", "0.1", "--outreach-port", String(outreach.httpPort), "--metrics-port",
                String(metrics.httpPort), "--admin-token", ServiceProcess.adminToken,
            ],
            environment: ["KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers], timeout: .seconds(300))
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        let published = try #require(
            run.output.split(separator: "\n").first { $0.contains("activities held") }.flatMap { line in
                line.split(separator: " ").firstIndex(of: "activities").flatMap { Int(line.split(separator: " ")[$0 - 1]) }
            }, "\(run.output.suffix(2000))")
        #expect(published > 500)
        #expect(run.output.contains("district budgets set"), "\(run.output.suffix(2000))")

        func held(_ period: String) async -> Int? {
            guard let answer = await metrics.get("/api/kpis?unit=sz&period=\(period)"),
                let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
                let kpis = object["kpis"] as? [String: Any]
            else { return nil }
            return kpis["activities_held"] as? Int
        }
        // Every stream of the history folded: the city's totals over both phases are what the tool published.
        let totals = try #require(run.output.split(separator: "\n").first { $0.contains("history: city totals") }).split(separator: " ")
            .compactMap { field -> (String, Int)? in
                let parts = field.split(separator: "=")
                return parts.count == 2 ? Int(parts[1]).map { (String(parts[0]), $0) } : nil
            }
        #expect(Set(totals.map(\.0)) == ["activities_held", "bookings_made", "verified_service_minutes", "work_views"])
        func phases() async -> [String: Int] {
            var sums: [String: Int] = [:]
            for phase in ["pilot", "rollout"] {
                guard let answer = await metrics.get("/api/kpis?unit=sz&period=phase:\(phase)"),
                    let object = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
                    let kpis = object["kpis"] as? [String: Any]
                else { continue }
                for (name, _) in totals { sums[name, default: 0] += kpis[name] as? Int ?? 0 }
            }
            return sums
        }
        var counted: [String: Int] = [:]
        do {
            try await eventually("metrics folds every stream of the history", timeout: .seconds(240)) {
                counted = await phases()
                return totals.allSatisfy { counted[$0.0] == $0.1 }
            }
        } catch {
            Issue.record("counted \(counted), published \(totals)")
            throw error
        }
        let pilot = await held("phase:pilot") ?? 0
        let rollout = await held("phase:rollout") ?? 0
        #expect(pilot + rollout == published, "every activity counted once")
        // The rules run every second: the history's community targets of 2025 and its sites idle since are weak spots.
        try await eventually("weak spots are raised from the history") {
            (await metrics.get("/api/alerts")?.body.contains("below_target")) == true
        }

        // Read once first: a refusal shows here with its reason, not as a page that never loads.
        let rolloutPage = await metrics.get("/report?period=phase:rollout")
        #expect(rolloutPage?.status == 200, "\(rolloutPage.map { "\($0.status): \($0.body.prefix(500))" } ?? "no answer")")
        let browser = try await HeadlessBrowser(url: "http://127.0.0.1:\(metrics.httpPort)/report?period=phase:rollout")
        defer { Task { await browser.close() } }
        func value(_ expression: String) async throws -> String { try await browser.evaluate(expression) }
        try await eventually("the report is loaded") { try await value("document.querySelectorAll('#summary li').length") != "0" }
        let sentences = try #require(Int(try await value("document.querySelectorAll('#summary li').length")))
        #expect(sentences >= 6, "the summary speaks of activities, the lines, the districts, weak spots and funding")
        #expect(try await value("document.getElementById('summary').textContent.includes('activities per 10,000 residents')") == "true")
        // Every line with a count in the history has twelve quarters of trend, the last years the busiest.
        for line in PlanLine.allCases.map(\.rawValue) {
            #expect(try await value("document.querySelectorAll('#trend-\(line) rect').length") == "12", "\(line)")
            #expect(
                try await value("[...document.querySelectorAll('#line-\(line) tr[data-unit]')].length") == "12",
                "\(line): the city and its 11 districts")
        }
        let trend = try await value("[...document.querySelectorAll('#trend-activities_and_orders rect')].map(r => +r.dataset.value)")
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(trend.utf8)) as? [Int], "\(trend)")
        #expect(counts.reduce(0, +) == (await held("phase:rollout") ?? -1))
        #expect(counts.suffix(4).reduce(0, +) > counts.prefix(4).reduce(0, +), "2025 busier than 2023: \(counts)")
        let views = try await value("[...document.querySelectorAll('#trend-reading_and_works rect')].map(r => +r.dataset.value)")
        #expect((try JSONSerialization.jsonObject(with: Data(views.utf8)) as? [Int])?.allSatisfy { $0 > 0 } == true, "views every quarter: \(views)")
        #expect(try await value("document.querySelectorAll('#per-capita-table tr[data-unit]').length") == "11")
        #expect(try await value("document.querySelectorAll('#open-alerts tr[data-rule]').length") != "0")
        // The targets as the history's years stood: the community targets each year of the rollout, the stations' every month.
        #expect(try await value("document.querySelectorAll('#target-history tr[data-target=community-youth-share-year]').length") == "3")
        #expect(try await value("document.querySelectorAll('#target-history tr[data-target=station-monthly-activity]').length") == "36")
        let fellBelow = try await value(
            "[...document.querySelectorAll('#target-history tr[data-target]')].reduce((n, r) => n + +r.dataset.opened, 0)")
        #expect(Int(fellBelow).map { $0 > 0 } == true, "units fell below targets in the history: \(fellBelow)")
        #expect(try await value("document.getElementById('summary').textContent.includes('Against the')") == "true")
        // The rolling rules judged in each month of the rollout, as its numbers stood (the alerts above were raised
        // when the history was folded, not in its years).
        let ruleRows = try await value("document.querySelectorAll('#rule-history tr[data-rule]').length")
        #expect(Int(ruleRows).map { $0 > 0 } == true, "districts crossing the rolling rules in the rollout's months: \(ruleRows)")
        let ruleMonths = try await value(
            "[...new Set([...document.querySelectorAll('#rule-history tr[data-rule]')].map(r => r.dataset.period))].every(p => /^month:202[345]-/.test(p))"
        )
        #expect(ruleMonths == "true", "every row is a month of 2023-2025")
        let began = try await value("[...document.querySelectorAll('#rule-history tr[data-rule]')].reduce((n, r) => n + +r.dataset.opened, 0)")
        #expect(Int(began).map { $0 > 0 } == true, "units began crossing a rule in some month: \(began)")
        let judged = try await value(
            "[...new Set([...document.querySelectorAll('#rule-history tr[data-rule]')].map(r => r.dataset.rule))].sort().join(',')")
        #expect(judged.split(separator: ",").count >= 2, "rules judged in the rollout's months: \(judged)")
        #expect(try await value("document.getElementById('summary').textContent.includes('Judged month by month')") == "true")
        #expect(try await value("document.querySelectorAll('#ranking tr').length") != "1", "districts ranked for recognition")
        #expect(try await value("document.querySelectorAll('#nominated-volunteers tr').length") == "11", "the ten busiest volunteers")
        #expect(try await value("document.querySelectorAll('#sessions tr').length") == "11", "the ten best lectures' sessions")
        #expect(try await value("document.querySelectorAll('#nominated-communities tr').length") == "11", "ten communities nominated")
        #expect(
            try await value("+document.querySelector('#line-bookings tr[data-unit=sz] td[data-kpi=fill_rate]').dataset.value > 0.5") == "true",
            "the lectures' sessions fill")
        let youth = try await value("+document.querySelector('#line-activities_and_orders tr[data-unit=sz] td[data-kpi=youth_share]').dataset.value")
        #expect(Double(youth).map { $0 > 0.3 && $0 < 0.7 } == true, "the young people the sites counted: \(youth)")
        #expect(
            try await value("+document.querySelector('#line-pairings_and_visits tr[data-unit=sz] td[data-kpi=pairings_active]').dataset.value > 0")
                == "true")
        #expect(
            try await value("[...document.querySelectorAll('#funding-table td[data-kpi=execution]')].filter(c => c.dataset.value !== '').length")
                == "0", "budgets are per year: the phase has none")
        // 二(四) by theme and 二(二) the pairings' commitments, met in some quarters and not in others.
        #expect(try await value("document.querySelectorAll('#themes tr[data-theme]').length") == "\(8)", "the eight themes")
        let due = try #require(Int(try await value("+document.getElementById('pairing-commitments').dataset.due")))
        let met = try #require(Int(try await value("+document.getElementById('pairing-commitments').dataset.met")))
        #expect(due > 0 && met > 0 && met < due, "\(met) of \(due)")
        let themes = try #require(await metrics.get("/api/themes?unit=sz&period=year:2024"))
        #expect(themes.status == 200 && themes.body.contains(#""campaignActivities""#), "\(themes.body.prefix(500))")
        let pairings = try #require(await metrics.get("/api/pairings?unit=sz&period=year:2024"))
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(pairings.body.utf8)) as? [String: Any])
        #expect((answer["quartersDue"] as? Int ?? 0) == 4 * ((answer["pairings"] as? [Any])?.count ?? -1), "\(pairings.body.prefix(800))")
        #expect(await metrics.get("/api/pairings?unit=sz&period=month:2024-05")?.status == 400)
        #expect(await metrics.get("/api/themes?unit=sz&period=day:2024-05-01")?.status == 400)
        #expect(
            try await value("[...document.styleSheets].some(s => [...s.cssRules].some(r => r.media && r.media.mediaText === 'print'))") == "true",
            "print CSS")

        // The pilot year: only the pilot districts were active; a year's budgets are executed.
        let pilotYear = try #require(await metrics.get("/report?period=year:2022"))
        #expect(pilotYear.status == 200)
        #expect(pilotYear.body.contains("pilot districts (试点区) held"), "\(pilotYear.body.prefix(3000))")
        let csv = try #require(await metrics.get("/report.csv?period=year:2022"))
        let rows = csv.body.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.first == ["section", "unit", "level", "kpi", "value", "numerator", "denominator", "previous_value", "change", "period"])
        let perCapita = rows.filter { $0.count == 10 && $0[0] == "per_capita" && $0[3] == "activities_held_per_10000" }
        #expect(perCapita.count == 11)
        let targetRows = rows.filter { $0.count == 10 && $0[0] == "target" }
        #expect(targetRows.count == 2 * 12 + 4, "the two monthly targets' months of 2022 and the four yearly ones: \(targetRows.count)")
        let ruleHistory = rows.filter { $0.count == 10 && ($0[0] == "rule_history" || $0[0] == "rule_crossing") }
        #expect(
            ruleHistory.allSatisfy { $0[9].hasPrefix("month:2022-") && WeakSpotHistory.rules.map(\.rawValue).contains($0[3]) },
            "\(ruleHistory.prefix(5))")
        #expect(ruleHistory.allSatisfy { $0[2] == ($0[3] == "no_recent_session" ? "site" : "district") }, "sites idle, districts otherwise")
        let pilots = perCapita.filter { $0[8].hasPrefix("pilot since") }
        #expect(!pilots.isEmpty && pilots.count < 11)
        #expect(pilots.allSatisfy { (Int($0[5]) ?? 0) > 0 }, "every pilot district held activities in 2022")
        #expect(perCapita.filter { !$0[8].hasPrefix("pilot since") }.allSatisfy { $0[5] == "0" }, "the others had not started")
        let funding = rows.filter { $0.count == 10 && $0[0] == "funding" && !$0[4].isEmpty }
        #expect(funding.count == pilots.count, "each pilot district's 2022 budget is executed: \(funding)")
        #expect(funding.allSatisfy { (0.7...1).contains(Double($0[4]) ?? -1) }, "budgets leave 5-30 % to spare: \(funding)")
        #expect(
            rows.contains { $0.first == "summary" } && rows.contains { $0.first == "trend" } && rows.contains { $0.first == "nomination_volunteer" })

        for service in [outreach, metrics] { _ = await service.terminate() }
    }
}
