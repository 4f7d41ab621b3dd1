import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// The registry's rows in PostgreSQL. Every write (an import, a single unit or site) runs under one lock, loads
/// the registry, checks the rows against it and writes only what changed, publishing each changed record through
/// the outbox in the same transaction: all rows or none, and a repeated import publishes nothing.
struct RegistryStore {
    let client: PostgresClient
    let logger: Logger

    static let lockKey = AdvisoryLock.key(named: "outreach-events.registry")

    /// Checks `rows` and, unless `dryRun` or any row has a problem, applies them.
    /// `within` is called with the path (city first, ending with the entry) of every record the write would change,
    /// where it stands now and where it would stand; it throws to refuse the whole write (a district admin's import
    /// that reaches outside its district).
    func write(_ rows: [RegistryCSV.Row], dryRun: Bool, within: ([String]) throws -> Void = { _ in }) async throws -> RegistryImportReport {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            try await write(rows, dryRun: dryRun, in: transaction, within: within)
        }
    }

    /// The same, in the caller's transaction (an approved application adds its practice point with its own step).
    func write(
        _ rows: [RegistryCSV.Row], dryRun: Bool, in transaction: HandlerTransaction, within: ([String]) throws -> Void = { _ in }
    ) async throws -> RegistryImportReport {
        try await transaction.connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
        let current =
            rows.count > Self.partialLoadRows ? try await load(transaction.connection) : try await load(relevantTo: rows, transaction.connection)
        let (merged, checks) = current.merging(rows)
        let changes = merged.changes(from: current)
        let currentPaths = current.paths()
        for unit in changes.units {
            try within(unit.path)
            if let before = currentPaths[unit.unitId] { try within(before) }
        }
        for site in changes.sites {
            try within(site.unitPath + [site.siteId])
            if let before = current.sites[site.siteId].flatMap({ currentPaths[$0.unitId] }) { try within(before + [site.siteId]) }
        }
        let changed = Set(changes.units.map(\.unitId) + changes.sites.map(\.siteId))
        let created = Set(rows.map(\.text.id)).filter { current.units[$0] == nil && current.sites[$0] == nil }
        var report = RegistryImportReport(dryRun: dryRun, applied: false, summary: .init(), rows: [])
        report.rows = checks.map { check in
            let outcome: RegistryImportReport.Outcome =
                !check.problems.isEmpty ? .invalid : created.contains(check.id) ? .create : changed.contains(check.id) ? .change : .unchanged
            return .init(row: check.number, id: check.id, outcome: outcome, problems: check.problems.isEmpty ? nil : check.problems)
        }
        report.summary = .init(
            rows: rows.count, invalidRows: checks.count { !$0.problems.isEmpty }, unitsCreated: changes.unitsCreated,
            sitesCreated: changes.sitesCreated, recordsPublished: changes.units.count + changes.sites.count)
        guard !dryRun, report.summary.invalidRows == 0 else { return report }
        try await save(changes, transaction: transaction)
        report.applied = true
        return report
    }

    /// Up to this many rows, a write loads only the part of the registry its rows touch.
    static let partialLoadRows = 1_000

    /// The part of the registry `rows` touch, which is all their checks and changes read: the entries named (as
    /// either kind, for the shared id namespace), their parents' chains up to the city, and everything under the
    /// units they name (whose paths and records change with them). A single write reads a few rows, not the city.
    func load(relevantTo rows: [RegistryCSV.Row], _ connection: PostgresConnection) async throws -> RegistryState {
        let named = Array(Set(rows.flatMap { [$0.text.id, $0.text.parent] }.filter { !$0.isEmpty }))
        let units = try await connection.query(
            """
            WITH RECURSIVE up(id) AS (
                SELECT id FROM network_unit WHERE id = ANY(\(named)::text[])
                UNION SELECT u.parent_id FROM network_unit u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL
            ), down(id) AS (
                SELECT id FROM network_unit WHERE id = ANY(\(rows.map(\.text.id))::text[])
                UNION SELECT u.id FROM network_unit u JOIN down ON u.parent_id = down.id
            )
            SELECT id, level, name, parent_id, population, population_estimated, to_char(pilot_since, 'YYYY-MM-DD') FROM network_unit
            WHERE id IN (SELECT id FROM up UNION SELECT id FROM down)
            """, logger: logger)
        var state = RegistryState()
        try await decodeUnits(units, into: &state)
        let sites = try await connection.query(
            """
            SELECT id, kind, name, address, unit_id, status, to_char(since, 'YYYY-MM-DD'), to_char(until, 'YYYY-MM-DD') FROM network_site
            WHERE id = ANY(\(named)::text[]) OR unit_id = ANY(\(Array(state.units.keys))::text[])
            """, logger: logger)
        try await decodeSites(sites, into: &state)
        // Sites on the named units' ancestors came along; they are not touched, but harmless (they compare equal).
        return state
    }

    /// The whole registry.
    func load(_ connection: PostgresConnection) async throws -> RegistryState {
        var state = RegistryState()
        let units = try await connection.query(
            """
            SELECT id, level, name, parent_id, population, population_estimated, to_char(pilot_since, 'YYYY-MM-DD') FROM network_unit
            """, logger: logger)
        try await decodeUnits(units, into: &state)
        let sites = try await connection.query(
            """
            SELECT id, kind, name, address, unit_id, status, to_char(since, 'YYYY-MM-DD'), to_char(until, 'YYYY-MM-DD') FROM network_site
            """, logger: logger)
        try await decodeSites(sites, into: &state)
        return state
    }

    private func decodeUnits(_ units: PostgresRowSequence, into state: inout RegistryState) async throws {
        for try await (id, level, name, parent, population, estimated, pilot) in units.decode(
            (String, UnitLevel, String, String?, Int?, Bool, String?).self)
        {
            state.units[id] = RegistryUnit(
                id: id, level: level, name: name, parentId: parent, population: population, populationEstimated: estimated,
                pilotSince: pilot.flatMap(ShanghaiDay.init))
        }
    }

    private func decodeSites(_ sites: PostgresRowSequence, into state: inout RegistryState) async throws {
        for try await (id, kind, name, address, unit, status, since, until) in sites.decode(
            (String, SiteKind, String, String, String, SiteStatus, String?, String?).self)
        {
            state.sites[id] = RegistrySite(
                id: id, kind: kind, name: name, address: address, unitId: unit, status: status, since: since.flatMap(ShanghaiDay.init),
                until: until.flatMap(ShanghaiDay.init))
        }
    }

    /// Writes the changed records and emits them. One statement per table: an import of a whole city is a few
    /// round trips, not one per row. Empty strings and -1 stand for NULL in the arrays (PostgresNIO's arrays have
    /// no NULL elements).
    private func save(_ changes: RegistryChanges, transaction: HandlerTransaction) async throws {
        let units = changes.units
        if !units.isEmpty {
            try await transaction.connection.query(
                """
                INSERT INTO network_unit AS u (id, level, name, parent_id, path, population, population_estimated, pilot_since)
                SELECT r.id, r.level, r.name, NULLIF(r.parent, ''), string_to_array(r.path, '|'), NULLIF(r.population, -1), r.estimated,
                       NULLIF(r.pilot, '')::date
                FROM unnest(\(units.map(\.unitId))::text[], \(units.map(\.level.rawValue))::text[], \(units.map(\.name))::text[],
                            \(units.map { $0.parentId ?? "" })::text[], \(units.map { $0.path.joined(separator: "|") })::text[],
                            \(units.map { $0.population ?? -1 })::int[], \(units.map(\.populationEstimated))::bool[],
                            \(units.map { $0.pilotSince ?? "" })::text[])
                     AS r(id, level, name, parent, path, population, estimated, pilot)
                ON CONFLICT (id) DO UPDATE SET
                    name = EXCLUDED.name, parent_id = EXCLUDED.parent_id, path = EXCLUDED.path, population = EXCLUDED.population,
                    population_estimated = EXCLUDED.population_estimated, pilot_since = EXCLUDED.pilot_since, updated_at = now()
                """, logger: logger)
        }
        let sites = changes.sites
        if !sites.isEmpty {
            try await transaction.connection.query(
                """
                INSERT INTO network_site AS s (id, kind, name, address, unit_id, status, since, until)
                SELECT r.id, r.kind, r.name, r.address, r.unit, r.status, NULLIF(r.since, '')::date, NULLIF(r.until, '')::date
                FROM unnest(\(sites.map(\.siteId))::text[], \(sites.map(\.kind.rawValue))::text[], \(sites.map(\.name))::text[],
                            \(sites.map(\.address))::text[], \(sites.map(\.unitId))::text[], \(sites.map(\.status.rawValue))::text[],
                            \(sites.map { $0.since ?? "" })::text[], \(sites.map { $0.until ?? "" })::text[])
                     AS r(id, kind, name, address, unit, status, since, until)
                ON CONFLICT (id) DO UPDATE SET
                    kind = EXCLUDED.kind, name = EXCLUDED.name, address = EXCLUDED.address, unit_id = EXCLUDED.unit_id,
                    status = EXCLUDED.status, since = EXCLUDED.since, until = EXCLUDED.until, updated_at = now()
                """, logger: logger)
        }
        for unit in units { transaction.emit(try RegistryEvents.unitRecorded(unit)) }
        for site in sites { transaction.emit(try RegistryEvents.siteRecorded(site)) }
    }
}
