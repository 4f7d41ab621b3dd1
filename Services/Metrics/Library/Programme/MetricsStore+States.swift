import Foundation
import PostgresNIO

extension MetricsStore {
    /// The states of one kind among `ids` as last counted, locked until the transaction ends (in id order, so two
    /// replicas lock alike).
    func lockStates<State: CountedState>(_ type: State.Type, _ ids: [String]) async throws -> [String: State] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            "SELECT id, state::text FROM metric_state WHERE kind = \(State.kind) AND id = ANY(\(ids)::text[]) ORDER BY id FOR UPDATE", logger: logger)
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

    /// Applies `changes` (in order) to the states they name, then what changed to the counters, in the caller's
    /// transaction. Returns the states as they now are, and whether a group got its first change since its last
    /// snapshot (see `addCounters`).
    func fold<State: CountedState>(
        _ changes: [(id: String, change: (inout State) -> Void)], earliest: Int64?
    ) async throws -> (states: [String: State], firstPending: Bool) {
        guard !changes.isEmpty else { return ([:], false) }
        let before = try await lockStates(State.self, Array(Set(changes.map(\.id))))
        var after = before
        for (id, change) in changes { change(&after[id, default: State()]) }
        let changed = after.filter { before[$0.key] != $0.value }
        guard !changed.isEmpty else { return (after, false) }
        try await saveStates(changed)
        let deltas = StateFold.deltas(before: before, after: changed)
        try await ensureUnits(onPaths: changed.values.map(\.unitPath).filter { !$0.isEmpty })
        let now = earliest ?? Int64(Date().timeIntervalSince1970 * 1000)
        return (after, try await addCounters(deltas, earliest: deltas.mapValues { _ in now }))
    }
}
