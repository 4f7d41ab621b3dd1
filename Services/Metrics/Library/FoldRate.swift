import Synchronization

/// How many booking events this replica folded in the last second, for the snapshot publisher's busy mode: above
/// `KEPU_METRICS_BUSY_EVENTS_PER_SECOND`, snapshots are coalesced over the longer busy interval, so the fold keeps
/// up with its topics instead of competing with a snapshot of every changing key every second.
final class FoldRate: Sendable {
    private let recent = Mutex<[(at: ContinuousClock.Instant, count: Int)]>([])

    /// Notes a committed batch of `count` events.
    func note(_ count: Int, at now: ContinuousClock.Instant = .now) {
        recent.withLock { recent in
            recent.append((now, count))
            recent.removeAll { now - $0.at > .seconds(1) }
        }
    }

    /// Events folded in the second before `now`.
    func perSecond(at now: ContinuousClock.Instant = .now) -> Int {
        recent.withLock { recent in recent.filter { now - $0.at <= .seconds(1) }.reduce(0) { $0 + $1.count } }
    }
}
