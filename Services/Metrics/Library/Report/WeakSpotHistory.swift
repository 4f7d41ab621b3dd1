import KepuDomain

/// The rolling weak-spot rules judged month by month, as each month's numbers stand: the alerts of a history loaded
/// later (the demo's 2022-2025) were raised when it was folded, not in its years, so the report judges the months
/// again. A month stands in for the rules' rolling window (`KEPU_METRICS_WINDOW_DAYS`, 30 days by default), and the
/// districts are judged: low fill rate and below peers against the other districts that month, high no-show rate,
/// waitlist overflow, and a falling trend against the month before; and the sites idle at the month's end
/// (`no_recent_session`). Not `below_target`: each target is judged in its own periods (`TargetHistory`). Pure.
struct WeakSpotHistory: Sendable {
    /// What a month is judged on.
    struct Month: Sendable {
        let period: ReportingPeriod
        /// The districts' numbers in the month.
        let values: [String: KPIValues]
        /// Per site, the last day a session was held by the month's end (or it joined, for `neverHeld`).
        var lastHeld: [(unit: String, lastDay: ShanghaiDay)] = []
        var neverHeld: Set<String> = []
    }

    struct Step: Sendable {
        let period: ReportingPeriod
        /// The findings that cross their rule in this month.
        let crossing: [WeakSpotRules.Finding]
        /// Crossing in this month and not in the one before.
        let opened: [WeakSpotRules.Finding]
        /// Crossing in the month before, measured in this one and not crossing.
        let closed: [WeakSpotRules.Finding]

        /// This step's findings of one rule.
        func of(_ rule: WeakSpotRule) -> (crossing: [WeakSpotRules.Finding], opened: [WeakSpotRules.Finding], closed: [WeakSpotRules.Finding]) {
            (crossing.filter { $0.rule == rule }, opened.filter { $0.rule == rule }, closed.filter { $0.rule == rule })
        }
    }

    /// The rules judged month by month.
    static let rules: [WeakSpotRule] = [.lowFillRate, .belowPeers, .highNoShowRate, .waitlistOverflow, .fallingTrend, .noRecentSession]
    /// At most this many months are judged for a report (a query each): a phase's, not more.
    static let monthsPerReport = 61

    let steps: [Step]

    /// - Parameter months: consecutive months, oldest first; the first is the month before those reported, read only
    ///   to tell what opened in the next (and what fell).
    init(rules: WeakSpotRules, districts: [UnitInfo], months: [Month]) {
        let ids = Set(districts.map(\.id))
        func findings(_ index: Int) -> [WeakSpotRules.Finding] {
            let month = months[index]
            let totals = month.values.filter { ids.contains($0.key) }
            let end = month.period.days?.upperBound ?? ShanghaiDay(number: 0)
            var all = rules.measure(totals: totals, districts: ids, lastHeld: month.lastHeld, neverHeld: month.neverHeld, today: end)
            all += rules.belowPeers(totals: totals, districts: districts)
            if index > 0 { all += rules.fallingTrend(totals: totals, before: months[index - 1].values, districts: districts) }
            return all
        }
        struct Key: Hashable {
            let rule: WeakSpotRule
            let unit: String
        }
        var steps: [Step] = []
        var before = months.isEmpty ? [] : findings(0)
        for index in months.indices.dropFirst() {
            let now = findings(index)
            let wasCrossing = Set(before.filter(\.crossed).map { Key(rule: $0.rule, unit: $0.unitId) })
            let crossing = now.filter(\.crossed)
            let isCrossing = Set(crossing.map { Key(rule: $0.rule, unit: $0.unitId) })
            steps.append(
                Step(
                    period: months[index].period, crossing: crossing,
                    opened: crossing.filter { !wasCrossing.contains(Key(rule: $0.rule, unit: $0.unitId)) },
                    closed: now.filter {
                        !$0.crossed && wasCrossing.contains(Key(rule: $0.rule, unit: $0.unitId))
                            && !isCrossing.contains(Key(rule: $0.rule, unit: $0.unitId))
                    }))
            before = now
        }
        self.steps = steps
    }

    var opened: Int { steps.reduce(0) { $0 + $1.opened.count } }
    var closed: Int { steps.reduce(0) { $0 + $1.closed.count } }
}
