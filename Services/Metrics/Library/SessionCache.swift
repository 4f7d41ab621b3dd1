import Synchronization

/// Sessions already committed to the metrics database, kept in memory so a batch needs no lookup for sessions it
/// has seen before. Only committed rows are added (read by `MetricsStore.loadSessions`, or inserted by a batch once
/// it committed), never a row of a transaction that might still roll back.
final class SessionCache: Sendable {
    private let sessions = Mutex<[String: SessionFacts]>([:])
    /// Past this, the cache starts over (sessions are re-read on demand).
    let limit: Int

    init(limit: Int = 200_000) {
        self.limit = limit
    }

    func lookup(_ ids: Set<String>) -> [String: SessionFacts] {
        sessions.withLock { cached in
            var found: [String: SessionFacts] = [:]
            for id in ids { if let facts = cached[id] { found[id] = facts } }
            return found
        }
    }

    func remember(_ facts: some Sequence<SessionFacts>) {
        sessions.withLock { cached in
            if cached.count > limit { cached.removeAll(keepingCapacity: true) }
            for session in facts { cached[session.sessionId] = session }
        }
    }
}
