/// The counter changes a batch of activity records makes: pure arithmetic, no I/O. Each event's numbers as they
/// were counted are taken back from the groups they were counted in, and its numbers as they are now added to its
/// groups now (the same groups, unless the record moved the event to another day or site).
enum ActivityFold {
    static func deltas(before: [String: ActivityState], after: [String: ActivityState]) -> [CounterGroup: [KPI: Int64]] {
        var sums: [CounterGroup: CountChanges] = [:]
        for (id, now) in after {
            let then = before[id] ?? ActivityState()
            guard then != now else { continue }
            let taken = then.counts
            if !taken.isEmpty { for group in then.groups { sums[group, default: CountChanges()].add(taken, sign: -1) } }
            let added = now.counts
            if !added.isEmpty { for group in now.groups { sums[group, default: CountChanges()].add(added, sign: 1) } }
        }
        return sums.mapValues(\.byName).filter { !$0.value.isEmpty }
    }
}
