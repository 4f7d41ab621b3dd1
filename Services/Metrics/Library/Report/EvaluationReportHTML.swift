import Foundation
import KepuDomain

/// The report as one printable page: no script, every chart an inline SVG, print CSS for A4. Each section and
/// table carries an id (`summary`, `line-<name>`, `per-capita`, `pilots`, `weak-spots`, `ranking`, `nominations`,
/// `funding`) and each number a `data-kpi`/`data-value`, so a test (or a reader's tool) can find them.
enum EvaluationReportHTML {
    static func text(_ content: EvaluationReport.Content, settings: MetricsSettings) -> String {
        let period = content.period
        let previous = content.previous.map { "\($0.kind.rawValue) \($0.key)" } ?? "none"
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>科普课堂 evaluation report — \(escape(period.kind.rawValue)) \(escape(period.key))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1em}
            td,th{border:1px solid #ccc;padding:3px 6px;text-align:right;font-size:12px}th:first-child,td:first-child{text-align:left}
            .up{color:#17803d}.down{color:#b42318}.bar{fill:#3b82f6}.pilot{font-weight:600}section{margin-bottom:1.5em}
            #summary li{margin:.3em 0}small{color:#555}
            @page{size:A4 landscape;margin:12mm}
            @media print{body{margin:0}section{break-inside:avoid}a{color:inherit;text-decoration:none}.screen-only{display:none}}
            </style></head><body>
            <h1>Kepu Classroom evaluation report (评估报告)</h1>
            <p id="period">Period: <b>\(escape(period.kind.rawValue)) \(escape(period.key))</b> (\(escape(period.days?.lowerBound.description ?? "")) to \(escape(period.days?.upperBound.description ?? ""))); compared with the previous period: \(escape(previous)).</p>
            <section id="summary"><h2>Summary (总结)</h2><ul>
            """
        for sentence in ReportSummary.sentences(content) { html += "<li>\(escape(sentence))</li>" }
        html += "</ul></section>"
        for line in PlanLine.allCases { html += lineSection(line, content) }
        html += perCapitaSection(content)
        html += weakSpotSection(content)
        html += recognitionSection(content, settings: settings)
        html += fundingSection(content)
        html += """
            <p class="screen-only"><a href="/report.csv?period=\(escape(period.kind.rawValue)):\(escape(period.key))">CSV</a> ·
            print this page for a paper copy.</p></body></html>
            """
        return html
    }

    /// A line of the plan: its KPIs per unit with the change against the previous period, and the city's trend.
    static func lineSection(_ line: PlanLine, _ content: EvaluationReport.Content) -> String {
        var html = "<section id=\"line-\(line.rawValue)\" data-line=\"\(line.rawValue)\"><h2>\(escape(line.title))</h2><table><tr><th>unit</th>"
        html += line.counts.map { "<th>\(escape($0.rawValue))</th>" }.joined() + line.rates.map { "<th>\(escape($0.rawValue))</th>" }.joined()
        html += "</tr>"
        for row in content.rows {
            html +=
                "<tr data-unit=\"\(escape(row.unit.id))\"><td class=\"\(row.unit.pilotSince == nil ? "" : "pilot")\">\(escape(ReportSummary.displayName(row.unit))) <small>\(escape(row.unit.level.rawValue))</small></td>"
            for kpi in line.counts {
                let (now, before) = (row.current[kpi], row.previous[kpi])
                let change = now - before
                html +=
                    "<td data-kpi=\"\(kpi)\" data-value=\"\(now)\">\(escape(ReportSummary.formatted(now, kpi))) <small class=\"\(change >= 0 ? "up" : "down")\">\(escape(relativeChange(now, before)))</small></td>"
            }
            for rate in line.rates {
                let now = row.current.rate(rate)
                let change = now.value - row.previous.rate(rate).value
                let shown = rate.isShare ? percent(now.value) : String(format: "%.2f", now.value)
                let delta = rate.isShare ? String(format: "%+.1f pt", change * 100) : String(format: "%+.2f", change)
                html +=
                    "<td data-kpi=\"\(rate)\" data-value=\"\(fixed(now.value))\">\(shown) <small>(\(now.numerator)/\(now.denominator))</small> <small class=\"\(change >= 0 ? "up" : "down")\">\(delta)</small></td>"
            }
            html += "</tr>"
        }
        html += "</table>"
        html += SVGChart.columns(
            id: "trend-\(line.rawValue)", title: "\(ReportSummary.label(line.headline)) by \(content.trend.first?.period.kind.rawValue ?? "part")",
            bars: content.trend.map { ($0.period.key, Double($0.values[line.headline])) })
        if line == .campaigns {
            html += "<h3>By theme, city</h3><table id=\"themes\"><tr><th>theme</th><th>activities</th><th>in campaigns</th><th>participants</th></tr>"
            for theme in content.themes {
                html +=
                    "<tr data-theme=\"\(escape(theme.theme))\"><td>\(escape(theme.theme))</td><td>\(theme.activities)</td><td>\(theme.campaignActivities)</td><td>\(theme.participants)</td></tr>"
            }
            if content.themes.isEmpty { html += "<tr><td colspan=\"4\">none (kept by month and longer)</td></tr>" }
            html += "</table>"
        }
        if line == .pairingsAndVisits {
            let quarters = content.pairings.flatMap(\.quarters)
            html +=
                "<p id=\"pairing-commitments\" data-due=\"\(quarters.count)\" data-met=\"\(quarters.filter(\.met).count)\">Commitments met: \(quarters.filter(\.met).count) of \(quarters.count) pairing-quarters due (\(content.pairings.count) pairings; judged by quarter, year or phase).</p>"
        }
        if line == .bookings {
            html += SVGChart.bars(
                id: "fill-chart", bars: content.districts.map { ($0.unit.id, $0.current.rate(KPI.Rate.fillRate).value) }, maximum: 1, format: percent)
        }
        return html + "</section>"
    }

    static func perCapitaSection(_ content: EvaluationReport.Content) -> String {
        var html = """
            <section id="per-capita"><h2>Per capita and coverage (人均 · 常态化)</h2><table id="per-capita-table"><tr><th>district</th><th>residents</th>
            <th>activities per 10,000</th><th>participants per 10,000</th><th>volunteers per 10,000</th><th>books in stock per 100</th><th>pilot since</th></tr>
            """
        for row in content.districts {
            let population = row.unit.population
            func cell(_ kpi: KPI, _ residents: Int) -> String {
                let value = row.current.per(kpi, residents: residents, population: population)
                return
                    "<td data-kpi=\"\(kpi)_per_\(residents)\" data-value=\"\(value.map(fixed) ?? "")\">\(value.map { String(format: "%.2f", $0) } ?? "—")</td>"
            }
            html +=
                "<tr data-unit=\"\(escape(row.unit.id))\"><td>\(escape(ReportSummary.displayName(row.unit)))</td><td>\(population.map(String.init) ?? "—")</td>"
                + cell(.activitiesHeld, 10_000) + cell(.activityParticipants, 10_000) + cell(.volunteersRegistered, 10_000)
                + cell(.booksInStock, 100) + "<td>\(row.unit.pilotSince?.description ?? "")</td></tr>"
        }
        html += "</table>"
        html +=
            "<h3>Pilot districts beside the others (试点区)</h3><table id=\"pilots\"><tr><th>group</th><th>districts</th><th>activities</th><th>participants</th><th>activities per 10,000</th></tr>"
        let pilots = content.districts.filter { $0.unit.pilotSince != nil }
        let others = content.districts.filter { $0.unit.pilotSince == nil }
        for (name, rows) in [("pilot", pilots), ("others", others)] {
            let activities = rows.reduce(Int64(0)) { $0 + $1.current[.activitiesHeld] }
            let participants = rows.reduce(Int64(0)) { $0 + $1.current[.activityParticipants] }
            let rate = ReportSummary.perTenThousand(rows)
            html +=
                "<tr data-group=\"\(name)\"><td>\(name)</td><td>\(rows.count)</td><td>\(activities)</td><td>\(participants)</td><td data-value=\"\(rate.map(fixed) ?? "")\">\(rate.map { String(format: "%.2f", $0) } ?? "—")</td></tr>"
        }
        return html + "</table></section>"
    }

    static func weakSpotSection(_ content: EvaluationReport.Content) -> String {
        var html =
            "<section id=\"weak-spots\"><h2>Weak spots (薄弱环节): \(content.opened.count) raised, \(content.closed.count) resolved in the period, \(content.openAlerts.count) open now</h2>"
        html +=
            "<h3>Raised or resolved in the period</h3><table id=\"alerts\"><tr><th>rule</th><th>unit</th><th>detail</th><th>raised</th><th>resolved</th></tr>"
        let formatter = ISO8601DateFormatter()
        for alert in content.alerts {
            html +=
                "<tr data-rule=\"\(escape(alert.rule.rawValue))\"><td>\(escape(alert.rule.rawValue))</td><td>\(escape(alert.unit))</td><td>\(escape(alert.detail))</td><td>\(escape(formatter.string(from: alert.raisedAt)))</td><td>\(alert.resolvedAt.map { escape(formatter.string(from: $0)) } ?? "open")</td></tr>"
        }
        if content.alerts.isEmpty { html += "<tr><td colspan=\"5\">none</td></tr>" }
        html += "</table><h3>Open now, by rule</h3><table id=\"open-alerts\"><tr><th>rule</th><th>units</th><th>for example</th></tr>"
        let byRule = Dictionary(grouping: content.openAlerts, by: \.rule)
        for rule in WeakSpotRule.allCases {
            guard let alerts = byRule[rule], let first = alerts.first else { continue }
            html +=
                "<tr data-rule=\"\(rule)\" data-value=\"\(alerts.count)\"><td>\(rule)</td><td>\(alerts.count)</td><td>\(escape(first.unit)): \(escape(first.detail))</td></tr>"
        }
        if content.openAlerts.isEmpty { html += "<tr><td colspan=\"3\">none</td></tr>" }
        html += "</table>" + targetHistory(content.targets) + ruleHistory(content.rules)
        return html + "</section>"
    }

    /// The rolling rules in each month of the period: units crossing each rule, and those that began or
    /// stopped crossing it that month (the first ten named).
    static func ruleHistory(_ history: WeakSpotHistory) -> String {
        var html =
            "<h3>The rolling rules, month by month</h3><table id=\"rule-history\"><tr><th>month</th><th>rule</th><th>units crossing</th><th>began</th><th>stopped</th></tr>"
        func names(_ findings: [WeakSpotRules.Finding]) -> String {
            let shown = findings.prefix(10).map { escape($0.unitId) }.joined(separator: ", ")
            return findings.count > 10 ? "\(shown) and \(findings.count - 10) more" : shown
        }
        var rows = 0
        for step in history.steps {
            for rule in WeakSpotHistory.rules {
                let (crossing, opened, closed) = step.of(rule)
                guard !crossing.isEmpty || !closed.isEmpty else { continue }
                rows += 1
                html +=
                    "<tr data-rule=\"\(rule)\" data-period=\"\(escape(step.period.description))\" data-crossing=\"\(crossing.count)\" data-opened=\"\(opened.count)\" data-closed=\"\(closed.count)\"><td>\(escape(step.period.description))</td><td>\(rule)</td><td>\(crossing.count)</td><td>\(opened.count)\(opened.isEmpty ? "" : ": " + names(opened))</td><td>\(closed.count)\(closed.isEmpty ? "" : ": " + names(closed))</td></tr>"
            }
        }
        if rows == 0 {
            html +=
                "<tr><td colspan=\"5\">\(history.steps.isEmpty ? "judged by month: see the report of a month or longer" : "no unit crossed a rule in any month")</td></tr>"
        }
        return html
            + "</table><p><small>Each month stands in for the rules' rolling window: the districts are judged (low fill rate, below peers, high no-show rate, waitlist overflow, falling trend against the month before), and the sites idle at the month's end.</small></p>"
    }

    /// Each target in each part of the period of its kind, as the numbers stand: units measured and attaining, and
    /// those that fell below it then or came back (the first ten named).
    static func targetHistory(_ targets: [TargetHistory]) -> String {
        var html =
            "<h3>Against the targets, period by period</h3><table id=\"target-history\"><tr><th>target</th><th>period</th><th>attained</th><th>fell below</th><th>came back</th></tr>"
        func names(_ entries: [TargetAttainment.Entry]) -> String {
            let shown = entries.prefix(10).map { escape(ReportSummary.displayName($0.unit)) }.joined(separator: ", ")
            return entries.count > 10 ? "\(shown) and \(entries.count - 10) more" : shown
        }
        for history in targets {
            for step in history.steps {
                let attainment = step.attainment
                html +=
                    "<tr data-target=\"\(escape(history.target.id))\" data-period=\"\(escape(step.period.description))\" data-measured=\"\(attainment.measured)\" data-attained=\"\(attainment.attained)\" data-opened=\"\(step.opened.count)\" data-closed=\"\(step.closed.count)\"><td>\(escape(history.target.id))</td><td>\(escape(step.period.description))</td><td>\(attainment.attained) of \(attainment.measured)</td><td>\(step.opened.count)\(step.opened.isEmpty ? "" : ": " + names(step.opened))</td><td>\(step.closed.count)\(step.closed.isEmpty ? "" : ": " + names(step.closed))</td></tr>"
            }
        }
        if targets.allSatisfy(\.steps.isEmpty) { html += "<tr><td colspan=\"5\">no target of a period within this one</td></tr>" }
        return html
            + "</table><p><small>Targets of a longer period than this one, or with more than \(TargetStore.historyPeriodsPerTarget) periods in it, are left out (see the report of a longer or a shorter period), as are those past \(TargetStore.historyPeriodsPerReport) periods read in all.</small></p>"
    }

    static func recognitionSection(_ content: EvaluationReport.Content, settings: MetricsSettings) -> String {
        var html =
            "<section id=\"recognition\"><h2>Recognition: outstanding implementing units (优秀实施单位)</h2><table id=\"ranking\"><tr><th>rank</th><th>district</th><th>score</th></tr>"
        for ranked in content.ranking {
            html +=
                "<tr><td>\(ranked.rank.map { "\($0)" } ?? "")</td><td>\(escape(ReportSummary.displayName(ranked.entry.unit)))</td><td>\(ranked.score.map { "\($0)" } ?? "")</td></tr>"
        }
        if content.ranking.isEmpty { html += "<tr><td colspan=\"3\">no district measurable yet</td></tr>" }
        html +=
            "</table><h3>Typical activities (典型活动)</h3><table id=\"sessions\"><tr><th>rank</th><th>session</th><th>unit</th><th>day</th><th>score</th></tr>"
        for entry in content.sessions {
            html +=
                "<tr><td>\(entry.rank)</td><td>\(escape("\(entry.tally.title) (\(entry.tally.sessionId))"))</td><td>\(escape(entry.tally.unitId))</td><td>\(escape(entry.tally.day))</td><td>\(entry.score)</td></tr>"
        }
        if content.sessions.isEmpty { html += "<tr><td colspan=\"5\">no bookable session in the period</td></tr>" }
        html +=
            "</table><h3 id=\"nominations\">Nominations: demonstration communities (示范社区) and advanced volunteers (先进个人)</h3><table id=\"nominated-communities\"><tr><th>community</th><th>score</th></tr>"
        for community in content.communities {
            html += "<tr><td>\(escape(ReportSummary.displayName(community.entry.unit)))</td><td>\(community.score.map { "\($0)" } ?? "")</td></tr>"
        }
        if content.communities.isEmpty { html += "<tr><td colspan=\"2\">none measurable</td></tr>" }
        html += "</table><table id=\"nominated-volunteers\"><tr><th>volunteer</th><th>verified hours</th><th>star level</th><th>home</th></tr>"
        for volunteer in content.volunteers {
            html +=
                "<tr><td>\(escape(volunteer.volunteer))</td><td>\(String(format: "%.1f", volunteer.verifiedHours))</td><td>\(volunteer.starLevel.map(String.init) ?? "")</td><td>\(escape(volunteer.unitPath.last ?? ""))</td></tr>"
        }
        if content.volunteers.isEmpty { html += "<tr><td colspan=\"4\">none (kept for months, years and phases)</td></tr>" }
        return html
            + "</table><p><small>Unit score: the weighted mean of the components a unit can be measured by (KEPU_METRICS_RECOGNITION_WEIGHTS), from \(settings.minimumBookings) bookings for the booking components; session = 100 × (0.5 × seats booked / capacity + 0.5 × check-ins / bookings).</small></p></section>"
    }

    static func fundingSection(_ content: EvaluationReport.Content) -> String {
        var html = """
            <section id="funding"><h2>Funding performance (资金绩效)</h2><table id="funding-table"><tr><th>district</th><th>budget (yuan)</th>
            <th>spent (yuan)</th><th>execution</th><th>participants</th><th>yuan per participant</th><th>efficiency rank</th></tr>
            """
        for entry in content.funding.entries {
            html +=
                "<tr data-unit=\"\(escape(entry.unit.id))\"><td>\(escape(ReportSummary.displayName(entry.unit)))</td><td>\(entry.budgetFen.map(ReportSummary.yuan) ?? "—")</td><td>\(ReportSummary.yuan(entry.spentFen))</td><td data-kpi=\"execution\" data-value=\"\(entry.execution.map(fixed) ?? "")\">\(entry.execution.map(percent) ?? "—")</td><td>\(entry.participants)</td><td>\(entry.costPerParticipantFen.map { String(format: "%.2f", $0 / 100) } ?? "—")</td><td>\(entry.rank.map(String.init) ?? "")</td></tr>"
        }
        html += "</table>"
        html += SVGChart.bars(
            id: "execution-chart", bars: content.funding.entries.compactMap { entry in entry.execution.map { (entry.unit.id, $0) } }, maximum: 1.5,
            format: percent)
        return html + "</section>"
    }
}
