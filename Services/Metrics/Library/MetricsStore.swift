import Foundation
import KepuDomain
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
        for try await (id, venue, kind, path, day, dedicated) in rows.decode((String, String, String, String, Int, Bool).self) {
            result.append(
                SessionFacts(
                    sessionId: id, venueId: venue, venueKind: kind, unitPath: path.split(separator: "|").map(String.init),
                    day: ShanghaiDay(number: day), dedicated: dedicated))
        }
        return result
    }

    /// Inserts a session seen for the first time; false if it was already there (a repeated session-created).
    func insertSession(_ facts: SessionFacts, title: String, startsAt: Date, capacity: Int) async throws -> Bool {
        let path = facts.unitPath.joined(separator: "|")
        let rows = try await connection.query(
            """
            INSERT INTO metric_session (session_id, venue_id, venue_kind, unit_path, unit_id, day, title, starts_at, capacity, dedicated)
            VALUES (\(facts.sessionId), \(facts.venueId), \(facts.venueKind), string_to_array(\(path), '|'), \(facts.unitPath.last ?? ""),
                    date '1970-01-01' + \(facts.day.number)::int, \(title), \(startsAt), \(capacity), \(facts.dedicated))
            ON CONFLICT DO NOTHING RETURNING session_id
            """, logger: logger)
        return try await rows.collect().count == 1
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

    /// Records every unit on the paths (with its parent and level), once.
    func ensureUnits(onPaths paths: some Sequence<[String]>) async throws {
        var seen = Set<String>()
        var units: [String] = []
        var parents: [String] = []
        var levels: [String] = []
        var joined: [String] = []
        for path in paths {
            for (index, unit) in path.enumerated() where seen.insert(unit).inserted {
                units.append(unit)
                parents.append(index > 0 ? path[index - 1] : "")
                levels.append(unitLevel(atDepth: index).rawValue)
                joined.append(path[...index].joined(separator: "|"))
            }
        }
        guard !units.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO metric_unit (unit_id, parent_id, level, path)
            SELECT u, NULLIF(p, ''), l, string_to_array(j, '|') FROM unnest(\(units)::text[], \(parents)::text[], \(levels)::text[], \(joined)::text[]) AS x(u, p, l, j)
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Adds to counters.
    func addCounters(_ deltas: [CounterKey: Int64]) async throws {
        try await upsertCounters(deltas, adding: true)
    }

    /// Sets counters (for values that are not sums, like the reach estimate).
    func setCounters(_ values: [CounterKey: Int64]) async throws {
        try await upsertCounters(values, adding: false)
    }

    private func upsertCounters(_ values: [CounterKey: Int64], adding: Bool) async throws {
        guard !values.isEmpty else { return }
        let keys = lockOrder(values.keys) { $0.stableHash }
        let insert: PostgresQuery = """
            INSERT INTO kpi_counter (unit_id, period_kind, period_key, kpi, value)
            SELECT * FROM unnest(\(keys.map(\.group.unitId))::text[], \(keys.map(\.group.period.kind.rawValue))::text[], \(keys.map(\.group.period.key))::text[],
                                 \(keys.map(\.kpi))::text[], \(keys.map { values[$0] ?? 0 })::bigint[])
            """
        // The two conflict clauses differ only in whether the old value counts; bindings stay parameters either way.
        var query = insert
        query.sql += adding
            ? " ON CONFLICT (unit_id, period_kind, period_key, kpi) DO UPDATE SET value = kpi_counter.value + EXCLUDED.value"
            : " ON CONFLICT (unit_id, period_kind, period_key, kpi) DO UPDATE SET value = EXCLUDED.value"
        try await connection.query(query, logger: logger)
    }

    /// Marks groups changed for the snapshot publisher, since the earliest upstream event of each (ms since 1970).
    func markChanged(_ groups: Set<CounterGroup>, earliest: [CounterGroup: Int64]) async throws {
        guard !groups.isEmpty else { return }
        let sorted = lockOrder(groups) { $0.stableHash }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try await connection.query(
            """
            INSERT INTO kpi_group (unit_id, period_kind, period_key, pending_since)
            SELECT u, k, p, to_timestamp(t / 1000.0)
            FROM unnest(\(sorted.map(\.unitId))::text[], \(sorted.map(\.period.kind.rawValue))::text[], \(sorted.map(\.period.key))::text[],
                        \(sorted.map { earliest[$0] ?? now })::bigint[]) AS x(u, k, p, t)
            ON CONFLICT (unit_id, period_kind, period_key) DO UPDATE
            SET version = kpi_group.version + 1, pending_since = LEAST(kpi_group.pending_since, EXCLUDED.pending_since)
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

    /// Merges residents into the groups' reach sketches (rows locked, so replicas cannot lose each other's
    /// registers); returns the new estimate of each sketch that changed.
    func addReach(_ reached: [CounterGroup: Set<String>]) async throws -> [CounterGroup: Int64] {
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
            for resident in reached[group] ?? [] where sketch.insert(resident) { grew = true }
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

/// Rows in one order for every replica, so two batches touching the same rows cannot deadlock: by a stable hash
/// (sorting by it is much cheaper than comparing strings; two different keys with the same 64-bit hash could at
/// worst deadlock, which PostgreSQL detects and the runner retries).
func lockOrder<Key>(_ keys: some Collection<Key>, hash: (Key) -> UInt64) -> [Key] {
    keys.map { (hash($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
}
