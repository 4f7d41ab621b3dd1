import KepuDomain

/// Something metrics counts from its latest state, as another service last reported it: an activity, a volunteer's
/// membership, their hours at an event, a unit's needs. Kept in `metric_state` (as JSON, by `kind` and id), so that a
/// newer report changes the counters by the difference, and a report read twice changes nothing.
protocol CountedState: Codable, Hashable, Sendable {
    /// The kind's name in `metric_state` (a constant).
    static var kind: String { get }
    static var counting: StateCounting { get }
    /// Nothing reported yet: counts nothing.
    init()
    /// Where it counts: a unit path, city first (empty until known).
    var unitPath: [String] { get }
    /// When it counts (nil until known).
    var day: ShanghaiDay? { get }
    /// What the state adds to each of its groups.
    var counts: [KPI: Int64] { get }
    /// The groups (unit and period) its numbers add to: by default each unit on its path, in each period of its day.
    var groups: [CounterGroup] { get }
}

extension CountedState {
    var groups: [CounterGroup] {
        guard let day, !unitPath.isEmpty else { return [] }
        return CounterGroup.counting(unitPath: unitPath, day: day)
    }
}

/// How a change of a state counts.
enum StateCounting: Sendable {
    /// The numbers belong to the state's own day and place (an activity's, on the day it was held): a change takes
    /// them back where they were counted and adds them where they are now.
    case moves
    /// The state is a running total (needs surveyed so far, volunteers registered): its growth is counted where and
    /// when it was reported, so summed over periods it gives the total.
    case accrues
}

/// The counter changes a batch of state changes makes: pure arithmetic, no I/O.
enum StateFold {
    static func deltas<State: CountedState>(before: [String: State], after: [String: State]) -> [CounterGroup: [KPI: Int64]] {
        var sums: [CounterGroup: CountChanges] = [:]
        for (id, now) in after {
            let then = before[id] ?? State()
            guard then != now else { continue }
            let added = now.counts
            switch State.counting {
            case .moves:
                let taken = then.counts
                if !taken.isEmpty { for group in then.groups { sums[group, default: CountChanges()].add(taken, sign: -1) } }
                if !added.isEmpty { for group in now.groups { sums[group, default: CountChanges()].add(added, sign: 1) } }
            case .accrues where then.unitPath == now.unitPath || then.unitPath.isEmpty:
                var growth = added
                for (kpi, amount) in then.counts { growth[kpi, default: 0] -= amount }
                growth = growth.filter { $0.value != 0 }
                if !growth.isEmpty { for group in now.groups { sums[group, default: CountChanges()].add(growth, sign: 1) } }
            case .accrues:
                // Moved (a volunteer's home): the old place's total falls and the new one's grows, on the day reported.
                let taken = then.counts
                if !taken.isEmpty, let day = now.day {
                    for group in CounterGroup.counting(unitPath: then.unitPath, day: day) {
                        sums[group, default: CountChanges()].add(taken, sign: -1)
                    }
                }
                if !added.isEmpty { for group in now.groups { sums[group, default: CountChanges()].add(added, sign: 1) } }
            }
        }
        return sums.mapValues(\.byName).filter { !$0.value.isEmpty }
    }
}
