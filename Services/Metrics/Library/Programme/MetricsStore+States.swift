import Foundation
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
        // Where the states were counted too: a change that moves one takes its numbers back there.
        counters.add(
            StateFold.deltas(before: before, after: changed), on: changed.values.map(\.unitPath) + changed.keys.compactMap { before[$0]?.unitPath })
        return (before, after)
    }
}

/// What a transaction's folds change in the counters, summed, and the units they count in.
struct CounterChanges: Sendable {
    var deltas: [CounterGroup: [KPI: Int64]] = [:]
    /// Each unit counted in, by id: its path, city first, ending with it.
    var unitPaths: [String: [String]] = [:]

    mutating func add(_ more: [CounterGroup: [KPI: Int64]], on paths: some Sequence<[String]>) {
        for (group, counts) in more {
            deltas[group, default: [:]].merge(counts, uniquingKeysWith: +)
        }
        for path in paths where !path.isEmpty && unitPaths[path[path.count - 1]] == nil {
            for index in path.indices where unitPaths[path[index]] == nil { unitPaths[path[index]] = Array(path[...index]) }
        }
    }
}
