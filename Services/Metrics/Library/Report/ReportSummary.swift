import Foundation
import KepuDomain

/// The report's written summary (总结): sentences generated from the numbers, in a fixed order, so the same data
/// always reads the same. Pure.
enum ReportSummary {
    static func sentences(_ content: EvaluationReport.Content) -> [String] {
        guard let city = content.city else { return ["No unit is known yet: import the registry and let the services' events arrive."] }
        var sentences: [String] = []
        let name = "\(content.period.kind.rawValue) \(content.period.key)"
        let against = content.previous.map { " on \($0.kind.rawValue) \($0.key)" } ?? ""
        let held = city.current[.activitiesHeld]
        let participants = city.current[.activityParticipants]
        var opening = "In \(name) the city held \(held) activities with \(participants) participants"
        if let per = city.current.per(.activitiesHeld, residents: 10_000, population: city.unit.population) {
            opening += String(format: " (%.1f activities per 10,000 residents)", per)
        }
        opening += ", \(relativeChange(held, city.previous[.activitiesHeld]))\(against)."
        sentences.append(opening)

        for line in PlanLine.allCases where line != .activitiesAndOrders {
            let now = city.current[line.headline]
            let before = city.previous[line.headline]
            guard now != 0 || before != 0 else { continue }
            sentences.append("\(line.title): \(label(line.headline)) \(formatted(now, line.headline)), \(relativeChange(now, before))\(against).")
        }

        let quarters = content.pairings.flatMap(\.quarters)
        if !quarters.isEmpty {
            sentences.append(
                "\(content.pairings.count) pairings (结对共建) met their commitments in \(quarters.filter(\.met).count) of \(quarters.count) quarters due."
            )
        }
        if let top = content.themes.first {
            sentences.append("The most frequent theme was \(top.theme) (\(top.activities) activities, \(top.campaignActivities) in campaigns).")
        }

        let perCapita = content.districts.compactMap { row in
            row.current.per(.activitiesHeld, residents: 10_000, population: row.unit.population).map { (row.unit, $0) }
        }
        .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id < $1.0.id }
        if let best = perCapita.first, let worst = perCapita.last, perCapita.count >= 2, best.1 > 0 {
            sentences.append(
                String(
                    format: "%@ led the districts with %.1f activities per 10,000 residents; %@ trailed with %.1f.", displayName(best.0), best.1,
                    displayName(worst.0), worst.1))
        }

        if let days = content.period.days {
            let pilots = content.districts.filter { row in row.unit.pilotSince.map { $0 <= days.upperBound } ?? false }
            let others = content.districts.filter { row in !(row.unit.pilotSince.map { $0 <= days.upperBound } ?? false) }
            if !pilots.isEmpty, let pilotRate = perTenThousand(pilots), let otherRate = perTenThousand(others) {
                sentences.append(
                    String(
                        format: "The %d pilot districts (试点区) held %.1f activities per 10,000 residents, the %d others %.1f.", pilots.count,
                        pilotRate,
                        others.count, otherRate))
            }
        }

        sentences.append(
            "\(content.opened.count) weak spot\(content.opened.count == 1 ? " was" : "s were") raised and \(content.closed.count) resolved in the period; \(content.openAlerts.count) \(content.openAlerts.count == 1 ? "is" : "are") open now."
        )

        if !content.rules.steps.isEmpty {
            let (opened, closed) = (content.rules.opened, content.rules.closed)
            sentences.append(
                "Judged month by month, units began crossing a rolling rule \(opened) time\(opened == 1 ? "" : "s") and stopped \(closed) time\(closed == 1 ? "" : "s") over \(content.rules.steps.count) month\(content.rules.steps.count == 1 ? "" : "s")."
            )
        }

        let measured = content.targets.filter { !$0.steps.isEmpty }
        if !measured.isEmpty {
            let opened = measured.reduce(0) { $0 + $1.opened }
            let closed = measured.reduce(0) { $0 + $1.closed }
            var sentence =
                "Against the \(measured.count) targets, units fell below \(opened) time\(opened == 1 ? "" : "s")"
                + " and came back \(closed) time\(closed == 1 ? "" : "s") over the period"
            let last = measured.compactMap { history in
                history.steps.last.flatMap { step in step.attainment.attainedShare.map { (history.target, step.attainment, $0) } }
            }
            if let worst = last.min(by: { $0.2 < $1.2 }) {
                sentence += "; the least attained in \(worst.1.period) was \(worst.0.id), by \(worst.1.attained) of \(worst.1.measured) units"
            }
            sentences.append(sentence + ".")
        }

        let budgeted = content.funding.entries.filter { $0.budgetFen != nil }
        let budget = budgeted.reduce(Int64(0)) { $0 + ($1.budgetFen ?? 0) }
        let spent = budgeted.reduce(Int64(0)) { $0 + $1.spentFen }
        if budget > 0 {
            var funding = String(
                format: "District budgets of %@ yuan were %.1f %% executed", yuan(budget), Double(spent) / Double(budget) * 100)
            if let best = content.funding.entries.first(where: { $0.rank == 1 }), let cost = best.costPerParticipantFen {
                funding += String(format: "; %@ reached a participant for the least, %.2f yuan", displayName(best.unit), cost / 100)
            }
            sentences.append(funding + ".")
        }
        if let first = content.ranking.first, let score = first.score {
            sentences.append(String(format: "%@ ranks first for recognition (score %.1f).", displayName(first.entry.unit), score))
        }
        if let volunteer = content.volunteers.first {
            sentences.append(String(format: "The most active volunteer served %.1f verified hours.", volunteer.verifiedHours))
        }
        return sentences
    }

    static func perTenThousand(_ rows: [EvaluationReport.Row]) -> Double? {
        let population = rows.reduce(0) { $0 + ($1.unit.population ?? 0) }
        guard population > 0 else { return nil }
        return Double(rows.reduce(Int64(0)) { $0 + $1.current[.activitiesHeld] }) * 10_000 / Double(population)
    }

    static func displayName(_ unit: UnitInfo) -> String { unit.name.map { "\($0) (\(unit.id))" } ?? unit.id }

    static func label(_ kpi: KPI) -> String {
        kpi == .verifiedServiceMinutes ? "verified service hours" : kpi.rawValue.replacingOccurrences(of: "_", with: " ")
    }

    static func formatted(_ value: Int64, _ kpi: KPI) -> String {
        switch kpi {
        case .verifiedServiceMinutes: String(format: "%.1f", Double(value) / 60)
        case .activityCostFen: yuan(value) + " yuan"
        default: "\(value)"
        }
    }

    static func yuan(_ fen: Int64) -> String { String(format: "%.2f", Double(fen) / 100) }
}
