import KepuDomain

/// Funding performance (四(二) 资金绩效管理): per unit and period, its budget, what its activities cost (as
/// outreach-events recorded them), how much of the budget that executes, and what a participant cost. Pure: the
/// store reads budgets and counts.
struct FundingPerformance: Sendable {
    struct Entry: Sendable {
        let unit: UnitInfo
        let budgetFen: Int64?
        let spentFen: Int64
        let participants: Int64
        /// spent / budget; nil without a budget (or a zero one).
        var execution: Double? { budgetFen.flatMap { $0 > 0 ? Double(spentFen) / Double($0) : nil } }
        /// Fen per participant; nil without participants.
        var costPerParticipantFen: Double? { participants > 0 ? Double(spentFen) / Double(participants) : nil }
        /// 1 for the cheapest participant, among units with participants and a cost; nil for the rest.
        var rank: Int?
    }

    let period: ReportingPeriod
    let entries: [Entry]

    /// Ranked by efficiency: the lowest cost per participant first (units that spent nothing or reached no one
    /// are listed after, unranked, by id).
    init(period: ReportingPeriod, units: [UnitInfo], budgets: [String: Int64], values: [String: KPIValues]) {
        self.period = period
        var entries = units.map { unit in
            let counts = values[unit.id] ?? KPIValues()
            return Entry(
                unit: unit, budgetFen: budgets[unit.id], spentFen: counts[.activityCostFen], participants: counts[.activityParticipants], rank: nil)
        }
        entries.sort { a, b in
            switch (a.rankable ? a.costPerParticipantFen : nil, b.rankable ? b.costPerParticipantFen : nil) {
            case (let x?, let y?): x != y ? x < y : a.unit.id < b.unit.id
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.unit.id < b.unit.id
            }
        }
        var next = 1
        for index in entries.indices where entries[index].rankable {
            entries[index].rank = next
            next += 1
        }
        self.entries = entries
    }
}

extension FundingPerformance.Entry {
    fileprivate var rankable: Bool { spentFen > 0 && participants > 0 }
}
