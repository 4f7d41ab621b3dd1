import Synchronization

/// Events per visitor hash per minute (of when they happened), to flag a visitor sending more than
/// `KEPU_CONTENT_VISITOR_EVENTS_PER_MINUTE`: their events are counted, and counted as flagged, and bring no officer
/// points.
///
/// The topic is keyed by the visitor hash, so one visitor's events reach one consumer, in order, and this count
/// needs no database. It lives in memory: a consumer that restarts or takes over a partition counts from what it
/// reads from then on, so a flood straddling a restart may be flagged a minute late; the counts themselves stay
/// exact. At most `capacity` visitor-minutes are remembered (past it, all are forgotten).
final class VisitorRate: Sendable {
    let perMinute: Int
    let capacity: Int

    private struct State {
        /// (visitor hash, minute) → events so far.
        var counts: [VisitorMinute: Int] = [:]
        var newestMinute: Int64 = .min
        /// Per partition, the last offset counted: a batch applied again (a retried transaction) is not counted twice.
        var counted: [Int32: Int64] = [:]
    }

    struct VisitorMinute: Hashable {
        var visitor: UInt64
        var minute: Int64
    }

    private let state = Mutex(State())

    init(perMinute: Int, capacity: Int = 1_000_000) {
        self.perMinute = perMinute
        self.capacity = capacity
    }

    /// One event: where it was read, who sent it, and the minute it happened in.
    struct Event {
        var partition: Int32
        var offset: Int64
        var visitor: UInt64
        var minute: Int64
    }

    /// Counts `events` in order (each record once, however often its batch is applied), and returns which of them
    /// came past the visitor's rate.
    func flag(_ events: [Event]) -> [Bool] {
        state.withLock { state in
            var flags = [Bool]()
            flags.reserveCapacity(events.count)
            let newestBefore = state.newestMinute
            for event in events {
                let key = VisitorMinute(visitor: event.visitor, minute: event.minute)
                let seen = state.counted[event.partition].map { event.offset <= $0 } ?? false
                let count = (state.counts[key] ?? 0) + (seen ? 0 : 1)
                state.counts[key] = count
                if !seen { state.counted[event.partition] = event.offset }
                flags.append(count > perMinute)
                if event.minute > state.newestMinute { state.newestMinute = event.minute }
            }
            // Minutes more than two behind the newest are over (a late event in one is judged afresh): forgotten when
            // a new minute begins, or when too many visitors are remembered.
            if state.newestMinute != newestBefore || state.counts.count > capacity {
                let newest = state.newestMinute
                state.counts = state.counts.filter { $0.key.minute >= newest - 2 }
                if state.counts.count > capacity { state.counts.removeAll(keepingCapacity: true) }
            }
            return flags
        }
    }
}
