import Foundation
import KepuDomain

/// The evaluation report (评估报告) for a period or phase: per district KPIs with the change versus the previous
/// period, the open weak spots and the recognition lists. The HTML and the CSV are built from the same rows, so
/// their totals agree.
struct EvaluationReport: Sendable {
    let queries: KPIQueries
    let settings: MetricsSettings

    /// The KPIs the report shows, in order: counts, then rates.
    static let columns: [KPI] = [
        KPI.sessionsOffered, KPI.seatsOffered, KPI.seatsBooked, KPI.bookingsMade, KPI.checkIns, KPI.noShows, KPI.waitlisted, KPI.promoted,
        KPI.cancelledLate, KPI.groupHeadcount, KPI.dedicatedSessions, KPI.residentsReached, KPI.activitiesHeld, KPI.activityParticipants,
        KPI.lecturesHeld, KPI.visitsHeld, KPI.mobileMuseumStops, KPI.readingActivities, KPI.campaignActivities, KPI.activityCostFen,
        KPI.volunteersRegistered, KPI.siteHeadsRegistered, KPI.verifiedServiceMinutes, KPI.starLevelsReached, KPI.volunteerShortfalls,
        KPI.needsSubmitted, KPI.needsMet, KPI.booksDelivered, KPI.booksInStock, KPI.readingBooksUsed, KPI.workViews, KPI.workReach,
        KPI.informationOfficers, KPI.pairingsActive, KPI.applicationsApproved, KPI.ordersPlaced, KPI.ordersFulfilled, KPI.orderOverdueSteps,
    ]
    static let rateColumns = KPI.rates

    struct Row {
        let unit: UnitInfo
        let current: KPIValues
        let previous: KPIValues
    }

    /// The city (each root unit) first, then its districts.
    func rows(period: ReportingPeriod) async throws -> [Row] {
        let roots = try await queries.roots()
        let districts = try await queries.units(atLevel: .district)
        let units = roots + districts
        let current = try await queries.values(units: units.map(\.id), period: period)
        var previous: [String: KPIValues] = [:]
        if let before = period.previous { previous = try await queries.values(units: units.map(\.id), period: before) }
        return units.map { Row(unit: $0, current: current[$0.id] ?? KPIValues(), previous: previous[$0.id] ?? KPIValues()) }
    }

    func unitRanking(level: UnitLevel, period: ReportingPeriod) async throws -> [RankedUnit] {
        let units = try await queries.units(atLevel: level)
        let values = try await queries.values(units: units.map(\.id), period: period)
        return Recognition.rankUnits(units, values: values, minimumBookings: settings.minimumBookings, weights: settings.recognitionWeights)
            .enumerated().map { index, entry in
                RankedUnit(
                    entry: UnitKPIs(unit: entry.unit, kpis: entry.values), rank: entry.score == nil ? nil : index + 1,
                    score: entry.score.map { ($0 * 10).rounded() / 10 })
            }
    }

    func sessionRanking(period: ReportingPeriod, limit: Int = 50) async throws -> [RankedSession] {
        guard let days = period.days else { return [] }
        return try await queries.topSessions(in: days, limit: limit).enumerated().map { index, entry in
            let s = entry.session
            return RankedSession(rank: index + 1, score: (entry.score * 10).rounded() / 10, tally: s)
        }
    }

    func csv(period: ReportingPeriod) async throws -> String {
        var lines = ["section,unit,level,kpi,value,numerator,denominator,previous_value,change"]
        for row in try await rows(period: period) {
            for kpi in Self.columns {
                let now = row.current[kpi]
                let before = row.previous[kpi]
                lines.append(
                    ["kpi", row.unit.id, row.unit.level.rawValue, kpi.rawValue, "\(now)", "", "", "\(before)", "\(now - before)"].map(csvField)
                        .joined(separator: ","))
            }
            for rate in Self.rateColumns {
                let now = row.current.rate(rate)
                let before = row.previous.rate(rate)
                lines.append(
                    [
                        "kpi", row.unit.id, row.unit.level.rawValue, rate.name, fixed(now.value), "\(now.numerator)", "\(now.denominator)",
                        fixed(before.value), fixed(now.value - before.value),
                    ]
                    .map(csvField).joined(separator: ","))
            }
        }
        for alert in try await queries.openAlerts() {
            lines.append(
                ["weak_spot", alert.unit, alert.level.rawValue, alert.rule.rawValue, fixed(alert.value), "", "\(alert.threshold)", "", alert.detail]
                    .map(csvField).joined(separator: ","))
        }
        for ranked in try await unitRanking(level: .district, period: period) where ranked.eligible {
            lines.append(
                [
                    "recognition_unit", ranked.entry.unit.id, ranked.entry.unit.level.rawValue, "score", ranked.score.map { "\($0)" } ?? "", "", "",
                    "", "rank \(ranked.rank.map { "\($0)" } ?? "")",
                ].map(csvField).joined(separator: ","))
        }
        for entry in try await sessionRanking(period: period, limit: 10) {
            lines.append(
                ["recognition_session", entry.tally.sessionId, entry.tally.unitId, "score", "\(entry.score)", "", "", "", "rank \(entry.rank)"].map(
                    csvField
                ).joined(
                    separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    func html(period: ReportingPeriod) async throws -> String {
        let rows = try await rows(period: period)
        let alerts = try await queries.openAlerts()
        let ranking = try await unitRanking(level: .district, period: period).filter(\.eligible)
        let sessions = try await sessionRanking(period: period, limit: 10)
        let previous = period.previous.map { "\($0.kind.rawValue) \($0.key)" } ?? "none"
        var html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>科普课堂 evaluation report — \(escape(period.kind.rawValue)) \(escape(period.key))</title>
            <style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
            th:first-child,td:first-child{text-align:left}.up{color:#17803d}.down{color:#b42318}.bar{fill:#3b82f6}</style></head><body>
            <h1>Kepu Classroom evaluation report (评估报告)</h1>
            <p id="period">Period: <b>\(escape(period.kind.rawValue)) \(escape(period.key))</b> (\(escape(period.days?.lowerBound.description ?? "")) to \(escape(period.days?.upperBound.description ?? ""))); compared with the previous period: \(escape(previous)).</p>
            <h2>KPIs by district</h2><table id="kpis"><tr><th>unit</th>
            """
        html +=
            Self.columns.map { "<th>\(escape($0.rawValue))</th>" }.joined() + Self.rateColumns.map { "<th>\(escape($0.name))</th>" }.joined()
            + "</tr>"
        for row in rows {
            html += "<tr data-unit=\"\(escape(row.unit.id))\"><td>\(escape(row.unit.id)) (\(escape(row.unit.level.rawValue)))</td>"
            for kpi in Self.columns {
                let change = row.current[kpi] - row.previous[kpi]
                html +=
                    "<td data-kpi=\"\(kpi)\" data-value=\"\(row.current[kpi])\">\(row.current[kpi]) <small class=\"\(change >= 0 ? "up" : "down")\">\(change >= 0 ? "+" : "")\(change)</small></td>"
            }
            for rate in Self.rateColumns {
                let now = row.current.rate(rate)
                let change = now.value - row.previous.rate(rate).value
                html +=
                    "<td data-kpi=\"\(rate.name)\" data-value=\"\(fixed(now.value))\">\(rate.isShare ? percent(now.value) : String(format: "%.2f", now.value)) <small>(\(now.numerator)/\(now.denominator))</small> <small class=\"\(change >= 0 ? "up" : "down")\">\(change >= 0 ? "+" : "")\(rate.isShare ? String(format: "%.1f pt", change * 100) : String(format: "%.2f", change))</small></td>"
            }
            html += "</tr>"
        }
        html +=
            "</table><h2>Fill rate by district</h2>"
            + barChart(rows.filter { $0.unit.level == .district }.map { ($0.unit.id, $0.current.rate(KPI.Rate.fillRate).value) })
        html += "<h2>Weak spots (薄弱环节)</h2><table id=\"alerts\"><tr><th>rule</th><th>unit</th><th>detail</th><th>since</th></tr>"
        for alert in alerts {
            html +=
                "<tr><td>\(escape(alert.rule.rawValue))</td><td>\(escape(alert.unit))</td><td>\(escape(alert.detail))</td><td>\(escape(ISO8601DateFormatter().string(from: alert.raisedAt)))</td></tr>"
        }
        if alerts.isEmpty { html += "<tr><td colspan=\"4\">none</td></tr>" }
        html +=
            "</table><h2>Recognition: outstanding implementing units (优秀实施单位)</h2><table id=\"ranking\"><tr><th>rank</th><th>district</th><th>score</th></tr>"
        for ranked in ranking {
            html +=
                "<tr><td>\(ranked.rank.map { "\($0)" } ?? "")</td><td>\(escape(ranked.entry.unit.id))</td><td>\(ranked.score.map { "\($0)" } ?? "")</td></tr>"
        }
        html +=
            "</table><h2>Recognition: outstanding sessions (典型活动)</h2><table id=\"sessions\"><tr><th>rank</th><th>session</th><th>unit</th><th>day</th><th>score</th></tr>"
        for entry in sessions {
            html +=
                "<tr><td>\(entry.rank)</td><td>\(escape("\(entry.tally.title) (\(entry.tally.sessionId))"))</td><td>\(escape(entry.tally.unitId))</td><td>\(escape(entry.tally.day))</td><td>\(entry.score)</td></tr>"
        }
        html += """
            </table><p>Scores: unit = 100 × (0.4 × fill rate + 0.4 × check-in rate + 0.2 × (1 − no-show rate)), units with at least \(settings.minimumBookings) bookings; session = 100 × (0.5 × seats booked / capacity + 0.5 × check-ins / bookings).
            <a href="/report.csv?period=\(escape(period.kind.rawValue)):\(escape(period.key))">CSV</a></p></body></html>
            """
        return html
    }

    private func barChart(_ bars: [(String, Double)]) -> String {
        let height = 24
        var svg = "<svg id=\"fill-chart\" width=\"640\" height=\"\(max(1, bars.count) * height + 10)\" role=\"img\">"
        for (index, (label, value)) in bars.enumerated() {
            let y = index * height + 5
            // A rate is 0...1; anything else (NaN from an empty ratio included) draws as nothing, never traps.
            let width = value.isFinite ? Int(min(1, max(0, value)) * 400) : 0
            svg +=
                "<text x=\"0\" y=\"\(y + 16)\" font-size=\"12\">\(escape(label))</text><rect class=\"bar\" x=\"200\" y=\"\(y)\" width=\"\(width)\" height=\"18\"></rect><text x=\"\(205 + width)\" y=\"\(y + 14)\" font-size=\"12\">\(percent(value))</text>"
        }
        return svg + "</svg>"
    }
}

func fixed(_ value: Double) -> String { String(format: "%.4f", value) }

/// One CSV cell. A cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return: a title or id from input can) is prefixed with `'`, OWASP's advice against CSV injection; a number this
/// report writes itself (a negative change) is left as it is.
func csvField(_ text: String) -> String {
    var cell = text
    if let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first), Double(cell) == nil {
        cell = "'" + cell
    }
    return cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
}

func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        .replacingOccurrences(of: "\"", with: "&quot;")
}
