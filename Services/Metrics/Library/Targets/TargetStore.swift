import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// `kpi_target`: the targets admins set (and the default set migration 9 wrote), and the reads their attainment
/// needs.
struct TargetStore {
    let client: PostgresClient
    let logger: Logger

    private static let columns = "target_id, kpi, per_residents, level, site_kind, period_kind, scope, minimum, note"

    func all() async throws -> [KPITarget] {
        try await Self.decode(try await client.query("SELECT \(unescaped: Self.columns) FROM kpi_target ORDER BY target_id", logger: logger))
    }

    func target(_ id: String) async throws -> KPITarget? {
        try await Self.decode(try await client.query("SELECT \(unescaped: Self.columns) FROM kpi_target WHERE target_id = \(id)", logger: logger))
            .first
    }

    func save(_ target: KPITarget) async throws {
        try await client.query(
            """
            INSERT INTO kpi_target (target_id, kpi, per_residents, level, site_kind, period_kind, scope, minimum, note, updated_at)
            VALUES (\(target.id), \(target.measure.name), \(target.measure.perResidents), \(target.level), \(target.siteKind),
                    \(target.periodKind.rawValue), \(target.scope), \(target.minimum), \(target.note), now())
            ON CONFLICT (target_id) DO UPDATE SET kpi = EXCLUDED.kpi, per_residents = EXCLUDED.per_residents, level = EXCLUDED.level,
                site_kind = EXCLUDED.site_kind, period_kind = EXCLUDED.period_kind, scope = EXCLUDED.scope, minimum = EXCLUDED.minimum,
                note = EXCLUDED.note, updated_at = now()
            """, logger: logger)
    }

    func delete(_ id: String) async throws {
        try await client.query("DELETE FROM kpi_target WHERE target_id = \(id)", logger: logger)
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [KPITarget] {
        var targets: [KPITarget] = []
        for try await (id, kpi, perResidents, level, siteKind, periodKind, scope, minimum, note) in rows.decode(
            (String, String, Int?, UnitLevel, SiteKind?, String, String?, Double, String).self)
        {
            // Written by `save` (or migration 9) from the closed sets: a row that no longer reads is skipped.
            let quantity: TargetMeasure.Quantity
            if let count = KPI(rawValue: kpi) {
                quantity = .count(count)
            } else if let rate = KPI.Rate(rawValue: kpi) {
                quantity = .rate(rate)
            } else {
                continue
            }
            guard let periodKind = ReportingPeriod.Kind(rawValue: periodKind) else { continue }
            targets.append(
                KPITarget(
                    id: id, measure: TargetMeasure(quantity, perResidents: perResidents), level: level, siteKind: siteKind,
                    periodKind: periodKind, scope: scope, minimum: minimum, note: note))
        }
        return targets
    }

    /// The units a target applies to: those of its level under its scope (for sites: the registry's active sites,
    /// of its kind if it names one; a retired site no longer counts).
    func units(of target: KPITarget) async throws -> [UnitInfo] {
        let scope = target.scope ?? ""
        let siteKind = target.siteKind?.rawValue ?? ""
        let rows = try await client.query(
            """
            SELECT u.unit_id, u.level, array_to_string(u.path, '|'), u.parent_id, u.name, u.population FROM metric_unit u
            WHERE u.level = \(target.level) AND (\(scope) = '' OR \(scope) = ANY(u.path))
              AND (u.level <> 'site'
                   OR EXISTS (SELECT 1 FROM metric_site s WHERE s.site_id = u.unit_id AND s.active AND (\(siteKind) = '' OR s.kind = \(siteKind))))
            ORDER BY u.unit_id
            """, logger: logger)
        var units: [UnitInfo] = []
        for try await (id, level, path, parent, name, population) in rows.decode((String, UnitLevel, String, String?, String?, Int?).self) {
            units.append(
                UnitInfo(
                    id: id, level: level, path: path.split(separator: "|").map(String.init), parentId: parent, name: name, population: population))
        }
        return units
    }

    /// The counts a target reads for `units` in `period`: what happened in the period, and a level (`KPI.isLevel`)
    /// as it stood at the period's end (the sum of its days through that day).
    func values(for target: KPITarget, units: [UnitInfo], period: ReportingPeriod) async throws -> [String: KPIValues] {
        let ids = units.map(\.id)
        var values = try await KPIQueries(client: client, logger: logger).values(units: ids, period: period)
        let levels = target.measure.counts.filter(\.isLevel)
        guard !levels.isEmpty, let end = period.days?.upperBound, !ids.isEmpty else { return values }
        // Column names from the closed set of counts; every value bound.
        let sums = levels.map { "sum(\($0))::bigint" }.joined(separator: ", ")
        let rows = try await client.query(
            """
            SELECT unit_id, \(unescaped: sums) FROM kpi_counter
            WHERE period_kind = 'day' AND period_key <= \(end.description) AND unit_id = ANY(\(ids)::text[])
            GROUP BY unit_id
            """, logger: logger)
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let unit = try columns[0].decode(String.self)
            for (offset, kpi) in levels.enumerated() { values[unit, default: KPIValues()].counts[kpi] = try columns[offset + 1].decode(Int64.self) }
        }
        return values
    }

    /// A target's attainment in a period.
    func attainment(of target: KPITarget, in period: ReportingPeriod) async throws -> TargetAttainment {
        try await attainment(of: target, in: period, units: try await units(of: target))
    }

    /// A target's attainment in a period by `units` (read once for several periods).
    func attainment(of target: KPITarget, in period: ReportingPeriod, units: [UnitInfo]) async throws -> TargetAttainment {
        TargetAttainment(target: target, period: period, units: units, values: try await values(for: target, units: units, period: period))
    }

    /// The most periods of one target a report reads (a query each): a phase's months, not its weeks or days.
    static let historyPeriodsPerTarget = 60
    /// The most periods of all targets one report reads: the report is public, and admins may set many targets.
    static let historyPeriodsPerReport = 600

    /// Every target's weak spots in the periods of its kind within `period` that have begun by `today`, as those
    /// periods' numbers stand. A target of a longer kind than the period, or with more than
    /// `historyPeriodsPerTarget` periods in it, has none here; nor have the targets (in id order) past `budget`
    /// periods read in all. The units are the target's now (a site retired since is not measured in the years it
    /// was active).
    func history(in period: ReportingPeriod, today: ShanghaiDay, budget: Int = historyPeriodsPerReport) async throws -> [TargetHistory] {
        var histories: [TargetHistory] = []
        var left = budget
        for target in try await all() where target.periodKind.span <= period.kind.span {
            let periods = period.periods(of: target.periodKind).filter { ($0.days?.lowerBound).map { $0 <= today } ?? false }
            // Its periods and the one before.
            guard let first = periods.first, periods.count <= Self.historyPeriodsPerTarget, periods.count + 1 <= left else { continue }
            left -= periods.count + 1
            let units = try await units(of: target)
            // Before the first phase there is nothing: what is below in it opened in it.
            var attainments = first.previous == nil ? [TargetAttainment(target: target, period: first, units: [], values: [:])] : []
            for each in (first.previous.map { [$0] } ?? []) + periods {
                attainments.append(try await attainment(of: target, in: each, units: units))
            }
            histories.append(TargetHistory(target: target, attainments: attainments))
        }
        return histories
    }
}
