import Synchronization

/// How many booking events this replica folds a second, for the snapshot publisher's busy mode: above
/// `KEPU_METRICS_BUSY_EVENTS_PER_SECOND`, snapshots are coalesced over the longer busy interval, so the fold keeps
/// up with its topics instead of competing with a snapshot of every changing key every second.
final class FoldRate: Sendable {
    /// Events a second above which the replica is busy.
    let busyAbove: Int
    private struct State {
        var recent: [(at: ContinuousClock.Instant, count: Int)] = []
        var lastBusy: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    init(busyAbove: Int) {
        self.busyAbove = busyAbove
    }

    /// Notes a batch of `count` events.
    func note(_ count: Int, at now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            state.recent.append((now, count))
            state.recent.removeAll { now - $0.at > .seconds(1) }
            if Self.lastSecond(state.recent, before: now) > busyAbove { state.lastBusy = now }
        }
    }

    /// Events folded in the second before `now`.
    func perSecond(at now: ContinuousClock.Instant = .now) -> Int {
        state.withLock { Self.lastSecond($0.recent, before: now) }
    }

    private static func lastSecond(_ recent: [(at: ContinuousClock.Instant, count: Int)], before now: ContinuousClock.Instant) -> Int {
        recent.reduce(0) { now - $1.at <= .seconds(1) ? $0 + $1.count : $0 }
    }

    /// Whether the rate was above the threshold at some point in the `window` before `now`. Busy mode lasts a
    /// window past the last busy second, so a load that comes in bursts does not flip the interval back and forth.
    func wasBusy(within window: Duration, at now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in state.lastBusy.map { now - $0 <= window } ?? false }
    }
}
