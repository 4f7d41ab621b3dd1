import Foundation
import KepuDomain

/// The report as CSV (RFC 4180, CRLF), one row per number: `section` says what a row is (`summary`, `kpi`, `trend`,
/// `per_capita`, `theme`, `pairing_commitments`, `weak_spot` (raised or resolved in the period), `weak_spot_open`,
/// `target` (a target's attainment in each part of the period of its kind), `target_below` (a unit that fell below
/// it then, or came back: `change`), `rule_history` (units crossing a rolling rule in a month of the period),
/// `rule_crossing` (a unit that began or stopped crossing it that month: `change`), `recognition_unit`, `recognition_session`, `nomination_community`,
/// `nomination_volunteer`, `funding`), `period` which period it counts.
enum EvaluationReportCSV {
    static let header = ["section", "unit", "level", "kpi", "value", "numerator", "denominator", "previous_value", "change", "period"]

    static func text(_ content: EvaluationReport.Content) -> String {
        let period = content.period.description
        var lines = [header.joined(separator: ",")]
        func add(_ cells: [String]) { lines.append(cells.map(csvField).joined(separator: ",")) }
        for (index, sentence) in ReportSummary.sentences(content).enumerated() {
            add(["summary", content.city?.unit.id ?? "", "", "\(index + 1)", sentence, "", "", "", "", period])
        }
        for row in content.rows {
            for kpi in KPI.counts {
                let (now, before) = (row.current[kpi], row.previous[kpi])
                add(["kpi", row.unit.id, row.unit.level.rawValue, kpi.rawValue, "\(now)", "", "", "\(before)", "\(now - before)", period])
            }
            for rate in KPI.rates {
                let now = row.current.rate(rate)
                let before = row.previous.rate(rate)
                add([
                    "kpi", row.unit.id, row.unit.level.rawValue, rate.name, fixed(now.value), "\(now.numerator)", "\(now.denominator)",
                    fixed(before.value), fixed(now.value - before.value), period,
                ])
            }
        }
        for (part, values) in content.trend {
            for line in PlanLine.allCases {
                add([
                    "trend", content.city?.unit.id ?? "", "city", line.headline.rawValue, "\(values[line.headline])", "", "", "", "",
                    part.description,
                ])
            }
        }
        for row in content.districts {
            for (kpi, residents) in [
                (KPI.activitiesHeld, 10_000), (.activityParticipants, 10_000), (.volunteersRegistered, 10_000), (.booksInStock, 100),
            ] {
                let value = row.current.per(kpi, residents: residents, population: row.unit.population)
                add([
                    "per_capita", row.unit.id, row.unit.level.rawValue, "\(kpi.rawValue)_per_\(residents)", value.map(fixed) ?? "",
                    "\(row.current[kpi])",
                    row.unit.population.map(String.init) ?? "", "", row.unit.pilotSince.map { "pilot since \($0)" } ?? "", period,
                ])
            }
        }
        for theme in content.themes {
            add([
                "theme", content.city?.unit.id ?? "", "city", theme.theme, "\(theme.activities)", "\(theme.campaignActivities)", "", "",
                "\(theme.participants) participants", period,
            ])
        }
        for pairing in content.pairings {
            for quarter in pairing.quarters {
                add([
                    "pairing_commitments", pairing.pairing, pairing.base, "quarter:\(quarter.quarter)", quarter.met ? "met" : "not met",
                    "\(quarter.activities)", "\(pairing.activitiesPerQuarter)", "\(quarter.visits)", "\(pairing.visitsPerQuarter) visits committed",
                    period,
                ])
            }
        }
        let formatter = ISO8601DateFormatter()
        for alert in content.alerts {
            add([
                "weak_spot", alert.unit, alert.level.rawValue, alert.rule.rawValue, fixed(alert.value), "", "\(alert.threshold)", "",
                "raised \(formatter.string(from: alert.raisedAt))" + (alert.resolvedAt.map { ", resolved \(formatter.string(from: $0))" } ?? ", open")
                    + ": \(alert.detail)", period,
            ])
        }
        for alert in content.openAlerts {
            add([
                "weak_spot_open", alert.unit, alert.level.rawValue, alert.rule.rawValue, fixed(alert.value), "", "\(alert.threshold)", "",
                "raised \(formatter.string(from: alert.raisedAt)): \(alert.detail)", period,
            ])
        }
        for history in content.targets {
            for step in history.steps {
                let attainment = step.attainment
                add([
                    "target", history.target.scope ?? "", history.target.level.rawValue, history.target.id,
                    attainment.attainedShare.map(fixed) ?? "", "\(attainment.attained)",
                    "\(attainment.measured)", "", "opened \(step.opened.count) / closed \(step.closed.count)", step.period.description,
                ])
                for (entry, change) in step.opened.map({ ($0, "opened") }) + step.closed.map({ ($0, "closed") }) {
                    add([
                        "target_below", entry.unit.id, entry.unit.level.rawValue, history.target.id, entry.value.map(fixed) ?? "", "",
                        "\(history.target.minimum)", "", change, step.period.description,
                    ])
                }
            }
        }
        for step in content.rules.steps {
            for rule in WeakSpotHistory.rules {
                let (crossing, opened, closed) = step.of(rule)
                guard !crossing.isEmpty || !closed.isEmpty else { continue }
                // The rules judge districts, but `no_recent_session` judges sites.
                let level = (rule == .noRecentSession ? UnitLevel.site : UnitLevel.district).rawValue
                add([
                    "rule_history", "", level, rule.rawValue, "\(crossing.count)", "", "", "",
                    "opened \(opened.count) / closed \(closed.count)", step.period.description,
                ])
                for (finding, change) in opened.map({ ($0, "opened") }) + closed.map({ ($0, "closed") }) {
                    add([
                        "rule_crossing", finding.unitId, level, rule.rawValue, fixed(finding.value), "",
                        fixed(finding.threshold), "",
                        change, step.period.description,
                    ])
                }
            }
        }
        for ranked in content.ranking {
            add([
                "recognition_unit", ranked.entry.unit.id, ranked.entry.unit.level.rawValue, "score", ranked.score.map { "\($0)" } ?? "", "", "", "",
                "rank \(ranked.rank.map { "\($0)" } ?? "")", period,
            ])
        }
        for entry in content.sessions {
            add([
                "recognition_session", entry.tally.sessionId, entry.tally.unitId, "score", "\(entry.score)", "", "", "", "rank \(entry.rank)", period,
            ])
        }
        for community in content.communities {
            add([
                "nomination_community", community.entry.unit.id, "community", "score", community.score.map { "\($0)" } ?? "", "", "", "", "", period,
            ])
        }
        for volunteer in content.volunteers {
            add([
                "nomination_volunteer", volunteer.volunteer, "volunteer", "verified_hours", String(format: "%.1f", volunteer.verifiedHours), "", "",
                "",
                volunteer.starLevel.map { "star level \($0)" } ?? "", period,
            ])
        }
        for entry in content.funding.entries {
            add([
                "funding", entry.unit.id, entry.unit.level.rawValue, "budget_execution", entry.execution.map(fixed) ?? "", "\(entry.spentFen)",
                entry.budgetFen.map(String.init) ?? "", "", entry.rank.map { "efficiency rank \($0)" } ?? "", period,
            ])
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
