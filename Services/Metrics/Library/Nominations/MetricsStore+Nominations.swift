import KepuDomain
import KepuRuntime
import PostgresNIO

extension MetricsStore {
    /// Adds verified minutes per volunteer and period, and records where each volunteer lives now.
    func addVolunteerTallies(_ deltas: [VolunteerTally.Key: Int64], homes: [String: [String]]) async throws {
        guard !deltas.isEmpty else { return }
        let keys = lockOrder(deltas.keys) { fnv1a([$0.volunteerId, $0.period.kind.rawValue, $0.period.key]) }
        try await connection.query(
            """
            INSERT INTO volunteer_tally (volunteer_id, period_kind, period_key, verified_minutes, unit_path)
            SELECT v, k, p, m, string_to_array(NULLIF(h, ''), '|')
            FROM unnest(\(keys.map(\.volunteerId))::text[], \(keys.map(\.period.kind.rawValue))::text[], \(keys.map(\.period.key))::text[],
                        \(keys.map { deltas[$0] ?? 0 })::bigint[], \(keys.map { (homes[$0.volunteerId] ?? []).joined(separator: "|") })::text[])
                 AS x(v, k, p, m, h)
            ON CONFLICT (volunteer_id, period_kind, period_key) DO UPDATE
            SET verified_minutes = volunteer_tally.verified_minutes + EXCLUDED.verified_minutes, unit_path = EXCLUDED.unit_path
            """, logger: logger)
    }

    /// Records the highest star level each volunteer reached.
    func raiseStarLevels(_ levels: [String: Int], homes: [String: [String]]) async throws {
        guard !levels.isEmpty else { return }
        let ids = levels.keys.sorted()
        try await connection.query(
            """
            INSERT INTO volunteer_star (volunteer_id, level, unit_path)
            SELECT v, l, string_to_array(NULLIF(h, ''), '|')
            FROM unnest(\(ids)::text[], \(ids.map { levels[$0] ?? 0 })::int[], \(ids.map { (homes[$0] ?? []).joined(separator: "|") })::text[])
                 AS x(v, l, h)
            ON CONFLICT (volunteer_id) DO UPDATE SET level = GREATEST(volunteer_star.level, EXCLUDED.level), unit_path = EXCLUDED.unit_path
            """, logger: logger)
    }
}
