import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// The metrics database as the handler writes it: every statement set-based, one per kind of change per batch.
struct MetricsStore {
    let connection: PostgresConnection
    let logger: Logger

    /// Committed sessions among `ids`.
    func loadSessions(_ ids: [String]) async throws -> [SessionFacts] {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT session_id, venue_id, venue_kind, array_to_string(unit_path, '|'), (day - date '1970-01-01'), dedicated
            FROM metric_session WHERE session_id = ANY(\(ids)::text[])
            """, logger: logger)
        var result: [SessionFacts] = []
        for try await (id, venue, kind, path, day, dedicated) in rows.decode((String, String, VenueKind, String, Int, Bool).self) {
            result.append(
                SessionFacts(
                    sessionId: id, venueId: venue, venueKind: kind, unitPath: path.split(separator: "|").map(String.init),
                    day: ShanghaiDay(number: day), dedicated: dedicated))
        }
        return result
    }

    /// Inserts sessions seen for the first time, together; returns the ones that were new, by id (a repeated
    /// session-created finds its row already there).
    func insertSessions(_ sessions: [SessionPublished]) async throws -> [String: SessionFacts] {
        guard !sessions.isEmpty else { return [:] }
        let facts = sessions.map(SessionFacts.init(published:))
        let rows = try await connection.query(
            """
            INSERT INTO metric_session (session_id, venue_id, venue_kind, unit_path, unit_id, day, title, starts_at, capacity, dedicated)
            SELECT i, v, k, string_to_array(p, '|'), u, date '1970-01-01' + d, t, s, c, x
            FROM unnest(\(facts.map(\.sessionId))::text[], \(facts.map(\.venueId))::text[], \(facts.map(\.venueKind.rawValue))::text[],
                        \(facts.map { $0.unitPath.joined(separator: "|") })::text[], \(facts.map { $0.unitPath.last ?? "" })::text[],
                        \(facts.map(\.day.number))::int[], \(sessions.map(\.title))::text[], \(sessions.map(\.startsAt))::timestamptz[],
                        \(sessions.map(\.capacity))::int[], \(facts.map(\.dedicated))::bool[]) AS n(i, v, k, p, u, d, t, s, c, x)
            ON CONFLICT DO NOTHING RETURNING session_id
            """, logger: logger)
        var inserted = Set<String>()
        for try await id in rows.decode(String.self) { inserted.insert(id) }
        return Dictionary(facts.filter { inserted.contains($0.sessionId) }.map { ($0.sessionId, $0) }) { first, _ in first }
    }

    /// Sets a session's capacity; returns the capacity before.
    func changeCapacity(session: String, to capacity: Int) async throws -> Int? {
        let rows = try await connection.query(
            """
            WITH old AS (SELECT capacity FROM metric_session WHERE session_id = \(session) FOR UPDATE)
            UPDATE metric_session SET capacity = \(capacity) FROM old WHERE session_id = \(session) RETURNING old.capacity
            """, logger: logger)
        return try await rows.collect().first?.decode(Int.self)
    }

    func markClosed(session: String) async throws {
        try await connection.query("UPDATE metric_session SET closed = true WHERE session_id = \(session)", logger: logger)
    }

    /// Records every unit on the paths (with its parent and level), once. With `known`, only the units its cache does
    /// not hold are written, and the cache learns them when its transaction commits.
    ///
    /// Last in a fold's transaction (after its counters), in unit order: inserting a unit another consumer's
    /// transaction has inserted and not committed waits for that commit, so the wait is short only when every
    /// transaction inserts its units just before it commits (first in the transaction, consumers waited on each
    /// other's whole batches), and the order keeps two such inserts from waiting on each other.
    func ensureUnits(onPaths paths: some Sequence<[String]>, known: (units: KnownUnits, transaction: HandlerTransaction)? = nil) async throws {
        let paths = Array(paths)
        let unknown = known?.units.unknown(Array(Set(paths.joined())))
        var rows: [String: (parent: String, level: String, path: String)] = [:]
        for path in paths {
            for (index, unit) in path.enumerated() where unknown?.contains(unit) != false && rows[unit] == nil {
                rows[unit] = (index > 0 ? path[index - 1] : "", unitLevel(atDepth: index).rawValue, path[...index].joined(separator: "|"))
            }
        }
        guard !rows.isEmpty else { return }
        let units = rows.keys.sorted()
        let parents = units.map { rows[$0]?.parent ?? "" }
        let levels = units.map { rows[$0]?.level ?? "" }
        let joined = units.map { rows[$0]?.path ?? "" }
        try await connection.query(
            """
            INSERT INTO metric_unit (unit_id, parent_id, level, path)
            SELECT u, NULLIF(p, ''), l, string_to_array(j, '|') FROM unnest(\(units)::text[], \(parents)::text[], \(levels)::text[], \(joined)::text[]) AS x(u, p, l, j)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        if let known {
            let cache = known.units
            known.transaction.afterCommit { [units] in cache.remember(units) }
        }
    }

    /// Adds to the counters of each group (unit and period) and marks the groups changed for the snapshot
    /// publisher, since the earliest upstream event of each (ms since 1970). One row per group. Returns whether a
    /// group had nothing pending before (its first change since its last snapshot): the publisher learns when
    /// such a group comes due only in a round, so it should run one.
    @discardableResult
    func addCounters(_ deltas: [CounterGroup: [KPI: Int64]], earliest: [CounterGroup: Int64]) async throws -> Bool {
        guard !deltas.isEmpty else { return false }
        let groups = lockOrder(deltas.keys) { $0.counterLockKey }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var binds = PostgresBindings()
        binds.append(groups.map(\.unitId))
        binds.append(groups.map(\.period.kind.rawValue))
        binds.append(groups.map(\.period.key))
        binds.append(groups.map { earliest[$0] ?? now })
        let masks = groups.map { KPI.changeMask(of: deltas[$0] ?? [:]) }
        binds.append(masks)
        // Only the counts this batch changes are sent and summed (a batch of booking's events touches none of the
        // activities' counts, and the other way round). Column by column, filled in one pass over the groups.
        let touched = masks.reduce(0, |)
        let counts = KPI.counts.filter { touched & (1 << Int64($0.position)) != 0 }
        var column = [Int](repeating: 0, count: KPI.counts.count)
        for (index, kpi) in counts.enumerated() { column[kpi.position] = index }
        var values = [[Int64]](repeating: [Int64](repeating: 0, count: groups.count), count: counts.count)
        for (row, group) in groups.enumerated() {
            for (kpi, amount) in deltas[group] ?? [:] where amount != 0 { values[column[kpi.position]][row] = amount }
        }
        for counts in values { binds.append(counts) }
        // Column names come from `KPI.counts` (constants); every value is a bound parameter.
        let columns = counts.map { ", \($0)" }.joined()
        let arrays = counts.indices.map { ", $\($0 + 6)::bigint[]" }.joined()
        let aliases = counts.indices.map { ", c\($0)" }.joined()
        let sums = counts.map { "\($0) = kpi_counter.\($0) + EXCLUDED.\($0), " }.joined()
        // A change adds one to `version`, a snapshot sets `published_version` to the version it carries: one
        // ahead after this change means nothing was pending before it (a new row starts one ahead).
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    WITH changed AS (
                        INSERT INTO kpi_counter (unit_id, period_kind, period_key, pending_since, changed\(columns))
                        SELECT u, k, p, to_timestamp(t / 1000.0), m\(aliases)
                        FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]\(arrays)) AS x(u, k, p, t, m\(aliases))
                        ON CONFLICT (unit_id, period_kind, period_key) DO UPDATE
                        SET \(sums)version = kpi_counter.version + 1, changed = kpi_counter.changed | EXCLUDED.changed,
                            pending_since = LEAST(kpi_counter.pending_since, EXCLUDED.pending_since)
                        RETURNING version - published_version AS unpublished
                    )
                    SELECT count(*) FILTER (WHERE unpublished = 1) FROM changed
                    """, binds: binds), logger: logger)
        return try await rows.collect().first?.decode(Int64.self) ?? 0 > 0
    }

    /// Adds to counters given row by row (for tests and one-off changes).
    @discardableResult
    func addCounters(_ deltas: [CounterKey: Int64]) async throws -> Bool {
        var grouped: [CounterGroup: [KPI: Int64]] = [:]
        for (key, amount) in deltas { grouped[key.group, default: [:]][key.kpi, default: 0] += amount }
        return try await addCounters(grouped, earliest: [:])
    }

    /// Sets `residents_reached` (an estimate, not a sum) and marks the groups changed.
    func setReach(_ estimates: [CounterGroup: Int64], earliest: [CounterGroup: Int64]) async throws {
        guard !estimates.isEmpty else { return }
        let groups = lockOrder(estimates.keys) { $0.counterLockKey }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await connection.query(
            """
            INSERT INTO kpi_counter (unit_id, period_kind, period_key, pending_since, changed, residents_reached)
            SELECT u, k, p, to_timestamp(t / 1000.0), \(KPI.changeMask(of: [KPI.residentsReached: 1])), v
            FROM unnest(\(groups.map(\.unitId))::text[], \(groups.map(\.period.kind.rawValue))::text[], \(groups.map(\.period.key))::text[],
                        \(groups.map { earliest[$0] ?? now })::bigint[], \(groups.map { estimates[$0] ?? 0 })::bigint[]) AS x(u, k, p, t, v)
            ON CONFLICT (unit_id, period_kind, period_key) DO UPDATE
            SET residents_reached = EXCLUDED.residents_reached, version = kpi_counter.version + 1, changed = kpi_counter.changed | EXCLUDED.changed,
                pending_since = LEAST(kpi_counter.pending_since, EXCLUDED.pending_since)
            """, logger: logger)
    }

    /// Adds to the per-session tallies used to rank sessions.
    func addSessionTallies(_ tallies: [String: MetricsFold.SessionTally]) async throws {
        guard !tallies.isEmpty else { return }
        let ids = tallies.keys.sorted()
        try await connection.query(
            """
            UPDATE metric_session s
            SET seats_booked = s.seats_booked + x.b, bookings_made = s.bookings_made + x.m, check_ins = s.check_ins + x.c, no_shows = s.no_shows + x.n
            FROM unnest(\(ids)::text[], \(ids.map { tallies[$0]?.seatsBooked ?? 0 })::bigint[], \(ids.map { tallies[$0]?.bookingsMade ?? 0 })::bigint[],
                        \(ids.map { tallies[$0]?.checkIns ?? 0 })::bigint[], \(ids.map { tallies[$0]?.noShows ?? 0 })::bigint[]) AS x(id, b, m, c, n)
            WHERE s.session_id = x.id
            """, logger: logger)
    }

    /// Merges residents (their sketch hashes) into the groups' reach sketches (rows locked, so replicas cannot lose
    /// each other's registers); returns the new estimate of each sketch that changed.
    func addReach(_ reached: [CounterGroup: [UInt64]]) async throws -> [CounterGroup: Int64] {
        guard !reached.isEmpty else { return [:] }
        let groups = lockOrder(reached.keys) { $0.stableHash }
        let units = groups.map(\.unitId)
        let kinds = groups.map(\.period.kind.rawValue)
        let periodKeys = groups.map(\.period.key)
        try await connection.query(
            """
            INSERT INTO reach_sketch (unit_id, period_kind, period_key, registers)
            SELECT u, k, p, ''::bytea FROM unnest(\(units)::text[], \(kinds)::text[], \(periodKeys)::text[]) AS x(u, k, p)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        let rows = try await connection.query(
            """
            SELECT r.unit_id, r.period_kind, r.period_key, r.registers FROM reach_sketch r
            JOIN unnest(\(units)::text[], \(kinds)::text[], \(periodKeys)::text[]) AS x(u, k, p) ON r.unit_id = x.u AND r.period_kind = x.k AND r.period_key = x.p
            ORDER BY r.unit_id, r.period_kind, r.period_key FOR UPDATE OF r
            """, logger: logger)
        var sketches: [CounterGroup: ReachSketch] = [:]
        for try await (unit, kind, key, registers) in rows.decode((String, String, String, ByteBuffer).self) {
            guard let kind = ReportingPeriod.Kind(rawValue: kind) else { continue }
            sketches[CounterGroup(unitId: unit, period: ReportingPeriod(kind: kind, key: key))] = ReachSketch(bytes: Array(buffer: registers))
        }
        var changed: [(group: CounterGroup, sketch: ReachSketch)] = []
        for group in groups {
            var sketch = sketches[group] ?? ReachSketch()
            var grew = false
            for resident in reached[group] ?? [] where sketch.insert(hash: resident) { grew = true }
            if grew { changed.append((group, sketch)) }
        }
        guard !changed.isEmpty else { return [:] }
        try await connection.query(
            """
            UPDATE reach_sketch r SET registers = decode(x.h, 'hex')
            FROM unnest(\(changed.map(\.group.unitId))::text[], \(changed.map(\.group.period.kind.rawValue))::text[], \(changed.map(\.group.period.key))::text[], \(changed.map(\.sketch.hex))::text[]) AS x(u, k, p, h)
            WHERE r.unit_id = x.u AND r.period_kind = x.k AND r.period_key = x.p
            """, logger: logger)
        return Dictionary(uniqueKeysWithValues: changed.map { ($0.group, $0.sketch.estimate) })
    }
}
