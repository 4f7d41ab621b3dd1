import Foundation
import KepuDomain

/// A target's weak spots period by period, as each period's numbers stood (not as the alerts were raised at the
/// time: a history loaded later, or a target set later, has no alerts of those years). Pure: from the attainments
/// of consecutive periods of the target's kind, the period before the first included.
struct TargetHistory: Sendable {
    struct Step: Sendable {
        let attainment: TargetAttainment
        /// Below the target in this period and not in the one before (measured there or not).
        let opened: [TargetAttainment.Entry]
        /// Below it in the period before and attaining it in this one.
        let closed: [TargetAttainment.Entry]

        var period: ReportingPeriod { attainment.period }
    }

    let target: KPITarget
    let steps: [Step]

    /// - Parameter attainments: the target's attainment in consecutive periods, oldest first; the first is the
    ///   period before those reported, read only to tell what opened in the next.
    init(target: KPITarget, attainments: [TargetAttainment]) {
        self.target = target
        var steps: [Step] = []
        for (before, now) in zip(attainments, attainments.dropFirst()) {
            let wasBelow = Set(before.below.map(\.unit.id))
            let isBelow = Set(now.below.map(\.unit.id))
            steps.append(
                Step(
                    attainment: now, opened: now.below.filter { !wasBelow.contains($0.unit.id) },
                    closed: now.entries.filter { $0.attained == true && wasBelow.contains($0.unit.id) && !isBelow.contains($0.unit.id) }))
        }
        self.steps = steps
    }

    var opened: Int { steps.reduce(0) { $0 + $1.opened.count } }
    var closed: Int { steps.reduce(0) { $0 + $1.closed.count } }
}

extension ReportingPeriod.Kind {
    /// Shorter kinds first: a target of a kind fits in a report period of the same kind or a longer one.
    var span: Int {
        switch self {
        case .day: 0
        case .week: 1
        case .month: 2
        case .quarter: 3
        case .year: 4
        case .phase: 5
        }
    }
}
