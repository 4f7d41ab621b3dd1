import Synchronization

/// Units the metrics database is known to hold (committed rows of `metric_unit`), kept in memory so a batch writes
/// only the units it has not seen: every batch of the programme's events names thousands of sites, and inserting
/// them all again (`ON CONFLICT DO NOTHING`) was the fold's costliest statement, and made consumers wait on each
/// other's uncommitted rows. Only committed rows are added (after the batch's commit), never a row that might still
/// roll back; a unit row is never deleted, and this cache only ever skips an insert that would do nothing.
final class KnownUnits: Sendable {
    private let units = Mutex<Set<String>>([])
    /// Past this, the cache starts over (units are then written again, once each, doing nothing).
    let limit: Int

    init(limit: Int = 500_000) {
        self.limit = limit
    }

    /// Those of `candidates` not known to be stored.
    func unknown(_ candidates: [String]) -> Set<String> {
        units.withLock { known in Set(candidates.filter { !known.contains($0) }) }
    }

    func remember(_ stored: some Sequence<String>) {
        units.withLock { known in
            if known.count > limit { known.removeAll(keepingCapacity: true) }
            known.formUnion(stored)
        }
    }
}
