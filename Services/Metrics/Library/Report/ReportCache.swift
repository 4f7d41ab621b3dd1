import KepuDomain
import Synchronization

/// The evaluation report's content per period, computed once and shared for a while. The report is public and reads
/// many queries' worth (every district's numbers, the trend, each target period by period): computed per request, a
/// burst of requests would hold the database the fold needs. Requests for a period being computed wait for that
/// computation; a computation that failed is not kept; at most `capacity` periods are kept (the oldest dropped first),
/// and at most `concurrentLimit` computations run at once: a request past it is refused (`Busy`), not queued.
final class ReportCache<Value: Sendable>: Sendable {
    /// Refused: `concurrentLimit` reports are being computed already.
    struct Busy: Error {}

    private struct Entry {
        let task: Task<Value, any Error>
        let started: ContinuousClock.Instant
    }

    private struct State {
        var entries: [ReportingPeriod: Entry] = [:]
        var running = 0
    }

    private let state = Mutex(State())
    /// How long a computed report is served (zero: computed for every request).
    let lifetime: Duration
    let capacity: Int
    let concurrentLimit: Int

    init(lifetime: Duration, capacity: Int = 64, concurrentLimit: Int = 4) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.concurrentLimit = concurrentLimit
    }

    /// The value for `period`: kept or being computed, else computed by `compute` (throws `Busy` at the limit).
    func value(for period: ReportingPeriod, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        let task = try state.withLock { state throws(Busy) -> Task<Value, any Error> in
            if let entry = state.entries[period], now - entry.started < lifetime { return entry.task }
            guard state.running < concurrentLimit else { throw Busy() }
            if state.entries.count >= capacity, let oldest = state.entries.min(by: { $0.value.started < $1.value.started })?.key {
                state.entries[oldest] = nil
            }
            state.running += 1
            let task = Task { [self] in
                defer { self.state.withLock { $0.running -= 1 } }
                return try await compute()
            }
            state.entries[period] = Entry(task: task, started: now)
            return task
        }
        do {
            return try await task.value
        } catch {
            state.withLock { state in
                if state.entries[period]?.task == task { state.entries[period] = nil }
            }
            throw error
        }
    }
}
