import Foundation
import KepuDomain
import KepuRuntime
import PostgresNIO

/// The counter changes of the programme's consumers (outreach, volunteer, content, the registry) go through
/// `kpi_counter_delta`: each transaction appends its changes there, and `CounterDrain` alone adds them to
/// `kpi_counter`. Those consumers fold the same activities at the same sites and days, so their transactions,
/// each upserting the same site's, district's and city's rows, queued on each other's row locks until commit
/// (docs/benchmarks.md); an append takes no lock another transaction waits for.
extension MetricsStore {
    /// Appends what a transaction's folds changed in the counters, one row per group (unit and period), since the
    /// earliest upstream event (ms since 1970; now when unknown). Returns whether anything was appended.
    func write(_ counters: CounterChanges, earliest: Int64?) async throws -> Bool {
        let groups = counters.deltas.filter { $0.value.contains { $0.value != 0 } }
        guard !groups.isEmpty else { return false }
        let since = earliest ?? Int64(Date().timeIntervalSince1970 * 1000)
        var paths: [String] = []
        var kinds: [String] = []
        var keys: [String] = []
        var counts: [String] = []
        paths.reserveCapacity(groups.count)
        for (group, changes) in groups {
            // Every group's unit is on a path the folds gave (`CounterChanges.add`); were one not, its row is there already.
            paths.append((counters.unitPaths[group.unitId] ?? [group.unitId]).joined(separator: "|"))
            kinds.append(group.period.kind.rawValue)
            keys.append(group.period.key)
            // The KPIs' names are constants of the code (snake_case), the amounts integers: nothing to escape.
            counts.append("{" + changes.filter { $0.value != 0 }.map { "\"\($0.key.rawValue)\":\($0.value)" }.joined(separator: ",") + "}")
        }
        try await connection.query(
            """
            INSERT INTO kpi_counter_delta (unit_path, period_kind, period_key, pending_since, counts)
            SELECT string_to_array(u, '|'), k, p, to_timestamp(\(since) / 1000.0), c::jsonb
            FROM unnest(\(paths)::text[], \(kinds)::text[], \(keys)::text[], \(counts)::text[]) AS x(u, k, p, c)
            """, logger: logger)
        return true
    }

    /// Takes up to `limit` appended rows out of `kpi_counter_delta` and adds them to `kpi_counter` (their units
    /// recorded first), in the caller's transaction: a crash before the commit leaves them to the next round.
    /// Returns the counter changes taken (group and KPI), and whether a group got its first change since its last
    /// snapshot (`addCounters`).
    func drainDeltas(limit: Int) async throws -> (changes: Int, snapshotWanted: Bool) {
        // Rows other transactions append meanwhile are not in this statement's snapshot and wait for the next
        // round; one drainer runs at a time (`CounterDrain`'s advisory lock), so none is taken twice. A row naming
        // a KPI or period this release does not know (a newer replica's, in a rolling upgrade) is left for one
        // that does.
        let drained = try await connection.query(
            """
            WITH drained AS (
                DELETE FROM kpi_counter_delta WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM kpi_counter_delta
                    WHERE period_kind = ANY(\(ReportingPeriod.Kind.allCases.map(\.rawValue))::text[]) AND counts - \(KPI.counts.map(\.rawValue))::text[] = '{}'::jsonb
                    LIMIT \(limit)))
                RETURNING unit_path, period_kind, period_key, pending_since, counts
            )
            SELECT array_to_string(d.unit_path, '|'), d.period_kind, d.period_key,
                   (extract(epoch FROM min(d.pending_since)) * 1000)::bigint, c.key, sum(c.value::bigint)::bigint
            FROM drained d CROSS JOIN LATERAL jsonb_each_text(d.counts) AS c(key, value)
            GROUP BY d.unit_path, d.period_kind, d.period_key, c.key
            """, logger: logger)
        var deltas: [CounterGroup: [KPI: Int64]] = [:]
        var earliest: [CounterGroup: Int64] = [:]
        var paths = Set<[String]>()
        var changes = 0
        for try await (path, kind, key, since, name, amount) in drained.decode((String, String, String, Int64, String, Int64).self) {
            changes += 1
            let unitPath = path.split(separator: "|").map(String.init)
            guard let kind = ReportingPeriod.Kind(rawValue: kind), let kpi = KPI(rawValue: name), let unit = unitPath.last else { continue }
            let group = CounterGroup(unitId: unit, period: ReportingPeriod(kind: kind, key: key))
            deltas[group, default: [:]][kpi, default: 0] += amount
            earliest[group] = min(earliest[group] ?? since, since)
            paths.insert(unitPath)
        }
        guard !deltas.isEmpty else { return (changes, false) }
        try await ensureUnits(onPaths: paths.sorted { $0.lexicographicallyPrecedes($1) })
        return (changes, try await addCounters(deltas, earliest: earliest))
    }
}
