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
        try await values(for: target, units: units, periods: [period])[period] ?? [:]
    }

    /// The same for consecutive periods of one calendar kind (or one period of any kind): the levels at every
    /// period's end read in one query (`levelsAtEnds`).
    func values(for target: KPITarget, units: [UnitInfo], periods: [ReportingPeriod]) async throws -> [ReportingPeriod: [String: KPIValues]] {
        let ids = units.map(\.id)
        let levels = target.measure.counts.filter(\.isLevel)
        let ends = levels.isEmpty ? [:] : try await levelsAtEnds(of: levels, units: ids, periods: periods)
        var result: [ReportingPeriod: [String: KPIValues]] = [:]
        for period in periods {
            var values = try await KPIQueries(client: client, logger: logger).values(units: ids, period: period, counts: target.measure.counts)
            for (unit, counts) in ends[period] ?? [:] { values[unit, default: KPIValues()].counts.merge(counts) { _, level in level } }
            result[period] = values
        }
        return result
    }

    /// Levels (`KPI.isLevel`) of `units` at the end of each of `periods`: one period of any kind, or consecutive
    /// periods of one calendar kind (they tile the days; phases overlap, so several are not read together). The day
    /// rows before the first period are summed once, then each period's days, grouped in SQL by the period they fall
    /// in, added in order.
    func levelsAtEnds(of levels: [KPI], units ids: [String], periods: [ReportingPeriod]) async throws -> [ReportingPeriod: [String: [KPI: Int64]]] {
        guard let kind = periods.first?.kind, kind != .phase || periods.count == 1, let start = periods.first?.days?.lowerBound,
            let end = periods.last?.days?.upperBound, !ids.isEmpty, !levels.isEmpty
        else { return [:] }
        // The period key a day's key (yyyy-MM-dd) falls in, as `ReportingPeriod.containing` writes it; one period's
        // days are all its own. Constants.
        let key: String =
            switch kind {
            case _ where periods.count == 1: "'\(Self.onlyPeriod)'"
            case .day: "period_key"
            case .week: #"to_char(period_key::date, 'IYYY-"W"IW')"#
            case .month: "left(period_key, 7)"
            case .quarter: "left(period_key, 4) || '-Q' || ((substr(period_key, 6, 2)::int + 2) / 3)"
            case .year, .phase: "left(period_key, 4)"
            }
        // Column names from the closed set of counts; every value bound.
        let sums = levels.map { "sum(\($0))::bigint" }.joined(separator: ", ")
        let rows = try await client.query(
            """
            SELECT unit_id, CASE WHEN period_key < \(start.description) THEN '' ELSE \(unescaped: key) END AS part, \(unescaped: sums)
            FROM kpi_counter
            WHERE period_kind = 'day' AND period_key <= \(end.description) AND unit_id = ANY(\(ids)::text[])
            GROUP BY 1, 2
            """, logger: logger)
        // Per unit: the sum before the first period ("") and each period's own.
        var parts: [String: [String: [Int64]]] = [:]
        for try await row in rows {
            let columns = row.makeRandomAccess()
            let unit = try columns[0].decode(String.self)
            parts[unit, default: [:]][try columns[1].decode(String.self)] = try levels.indices.map { try columns[$0 + 2].decode(Int64.self) }
        }
        var result: [ReportingPeriod: [String: [KPI: Int64]]] = [:]
        for (unit, sums) in parts {
            var running = sums[""] ?? Array(repeating: 0, count: levels.count)
            for period in periods {
                if let own = sums[periods.count == 1 ? Self.onlyPeriod : period.key] { running = zip(running, own).map(Self.saturatingSum) }
                result[period, default: [:]][unit] = Dictionary(uniqueKeysWithValues: zip(levels, running))
            }
        }
        return result
    }

    /// The part every day of a lone period falls in (no period key is empty or this).
    private static let onlyPeriod = "*"

    /// Sums of stored counts cannot overflow in practice (PostgreSQL's own `sum` would fail first); if they did,
    /// the level stops at the bound rather than wrapping or trapping.
    private static func saturatingSum(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
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
            let read = (first.previous.map { [$0] } ?? []) + periods
            // The levels at every period's end in one query (a query per period summed every day since the start
            // again: a phase's months of a level target took seconds each); phases overlap, so one at a time.
            for batch in target.periodKind == .phase ? read.map({ [$0] }) : [read] {
                let values = try await values(for: target, units: units, periods: batch)
                for each in batch { attainments.append(TargetAttainment(target: target, period: each, units: units, values: values[each] ?? [:])) }
            }
            histories.append(TargetHistory(target: target, attainments: attainments))
        }
        return histories
    }
}
