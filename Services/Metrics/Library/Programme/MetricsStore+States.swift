import Foundation
import KepuRuntime
import PostgresNIO

extension MetricsStore {
    /// The states of one kind among `ids` as last counted, locked until the transaction ends (in id order, so two
    /// replicas lock alike), or only read (`locking: false`: another kind's state, which its own consumer changes).
    func lockStates<State: CountedState>(_ type: State.Type, _ ids: [String], locking: Bool = true) async throws -> [String: State] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT id, state::text FROM metric_state WHERE kind = \(State.kind) AND id = ANY(\(ids)::text[])\(unescaped: locking ? " ORDER BY id FOR UPDATE" : "")
            """, logger: logger)
        var states: [String: State] = [:]
        let decoder = JSONDecoder()
        for try await (id, json) in rows.decode((String, String).self) { states[id] = try decoder.decode(State.self, from: Data(json.utf8)) }
        return states
    }

    /// Writes states as now counted.
    func saveStates<State: CountedState>(_ states: [String: State]) async throws {
        guard !states.isEmpty else { return }
        let ids = states.keys.sorted()
        let encoder = JSONEncoder()
        let json = try ids.map { id in String(decoding: try encoder.encode(states[id] ?? State()), as: UTF8.self) }
        try await connection.query(
            """
            INSERT INTO metric_state (kind, id, state)
            SELECT \(State.kind), i, s::jsonb FROM unnest(\(ids)::text[], \(json)::text[]) AS x(i, s)
            ON CONFLICT (kind, id) DO UPDATE SET state = EXCLUDED.state
            """, logger: logger)
    }

    /// Applies `changes` (in order) to the states they name and saves those that changed, in the caller's
    /// transaction; what that changes in the counters is added to `counters`, for `write` at the transaction's end.
    /// Returns the states as they were (those stored) and as they now are.
    @discardableResult
    func fold<State: CountedState>(
        _ changes: [(id: String, change: (inout State) -> Void)], into counters: inout CounterChanges
    ) async throws -> (before: [String: State], after: [String: State]) {
        guard !changes.isEmpty else { return ([:], [:]) }
        let before = try await lockStates(State.self, Array(Set(changes.map(\.id))))
        var after = before
        for (id, change) in changes { change(&after[id, default: State()]) }
        let changed = after.filter { before[$0.key] != $0.value }
        guard !changed.isEmpty else { return (before, after) }
        try await saveStates(changed)
        counters.add(StateFold.deltas(before: before, after: changed), on: changed.values.map(\.unitPath))
        return (before, after)
    }

    /// Writes what a transaction's folds changed in the counters: the counters in one statement (rows in one
    /// order), then the units they count in. Last in the transaction, so the hot rows (the city's, a district's)
    /// that every consumer of metrics updates are locked only from here to the commit, by one statement: several
    /// statements, each locking some, held the locks for seconds and could deadlock consumers against each other.
    /// Returns whether a group got its first change since its last snapshot (see `addCounters`).
    /// Units in `known` are not written again; those written are learnt when `transaction` commits.
    func write(_ counters: CounterChanges, earliest: Int64?, known: KnownUnits, in transaction: HandlerTransaction) async throws -> Bool {
        guard !counters.deltas.isEmpty else { return false }
        let now = earliest ?? Int64(Date().timeIntervalSince1970 * 1000)
        let first = try await addCounters(counters.deltas, earliest: counters.deltas.mapValues { _ in now })
        try await ensureUnits(onPaths: counters.unitPaths.filter { !$0.isEmpty }, known: (known, transaction))
        return first
    }
}

/// What a transaction's folds change in the counters, summed, and the units they count in.
struct CounterChanges: Sendable {
    var deltas: [CounterGroup: [KPI: Int64]] = [:]
    var unitPaths: Set<[String]> = []

    mutating func add(_ more: [CounterGroup: [KPI: Int64]], on paths: some Sequence<[String]>) {
        for (group, counts) in more {
            deltas[group, default: [:]].merge(counts, uniquingKeysWith: +)
        }
        unitPaths.formUnion(paths)
    }
}
