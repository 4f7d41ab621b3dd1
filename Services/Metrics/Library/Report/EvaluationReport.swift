import Foundation
import KepuDomain

/// The evaluation report (评估报告) for a period or a phase of the programme (pilot 2022, rollout 2023-2025,
/// evaluation 2025): every line of the plan per district with the change against the previous period and the
/// city's trend, per capita and the pilot districts beside the others, weak spots opened and closed, recognition,
/// funding performance, and a summary written from the numbers. The HTML and the CSV are built from the same
/// `Content`, so they agree.
struct EvaluationReport: Sendable {
    let queries: KPIQueries
    let settings: MetricsSettings

    struct Row: Sendable {
        let unit: UnitInfo
        let current: KPIValues
        let previous: KPIValues
    }

    /// Everything the report shows, read once.
    struct Content: Sendable {
        let period: ReportingPeriod
        let previous: ReportingPeriod?
        /// The city (each root unit) first, then its districts.
        let rows: [Row]
        /// The city's numbers in each part of the period (`ReportingPeriod.parts`).
        let trend: [(period: ReportingPeriod, values: KPIValues)]
        let alerts: [AlertHistoryRow]
        /// The alerts open now, whenever raised.
        let openAlerts: [OpenAlert]
        /// Each target's weak spots in the period's parts of its kind, as their numbers stand.
        let targets: [TargetHistory]
        /// The rolling rules judged in each month of the period, as its numbers stand.
        let rules: WeakSpotHistory
        let ranking: [RankedUnit]
        let sessions: [RankedSession]
        let communities: [RankedUnit]
        let volunteers: [NominatedVolunteer]
        let funding: FundingPerformance
        /// The city's activities by theme (二(四)), when the period keeps them.
        let themes: [ThemeTally]
        /// The city's pairings judged in each quarter of the period (quarters, years and phases).
        let pairings: [PairingCommitmentsMet]

        var city: Row? { rows.first { $0.unit.parentId == nil } }
        var districts: [Row] { rows.filter { $0.unit.level == .district } }

        var opened: [AlertHistoryRow] { alerts.filter { period.contains($0.raisedAt) } }
        var closed: [AlertHistoryRow] { alerts.filter { $0.resolvedAt.map(period.contains) ?? false } }
    }

    func content(period: ReportingPeriod) async throws -> Content {
        let roots = try await queries.roots()
        let districts = try await queries.units(atLevel: .district)
        let units = roots + districts
        let ids = units.map(\.id)
        let current = try await queries.values(units: ids, period: period)
        var previous: [String: KPIValues] = [:]
        if let before = period.previous { previous = try await queries.values(units: ids, period: before) }
        var trend: [(ReportingPeriod, KPIValues)] = []
        for part in period.parts {
            let values = try await queries.values(units: roots.map(\.id), period: part)
            trend.append((part, roots.reduce(into: KPIValues()) { $0.add(values[$1.id] ?? KPIValues()) }))
        }
        let city = roots.first?.id
        let today = ShanghaiDay(Date())
        let rules = WeakSpotHistory(
            rules: WeakSpotRules(settings: settings), districts: districts,
            months: try await judgedMonths(period, districts: districts, today: today))
        var alerts: [AlertHistoryRow] = []
        if let days = period.days { alerts = try await queries.alerts(raisedOrResolvedIn: days) }
        return Content(
            period: period, previous: period.previous,
            rows: units.map { Row(unit: $0, current: current[$0.id] ?? KPIValues(), previous: previous[$0.id] ?? KPIValues()) },
            trend: trend, alerts: alerts,
            openAlerts: try await queries.openAlerts(),
            targets: try await TargetStore(client: queries.client, logger: queries.logger).history(in: period, today: today), rules: rules,
            ranking: try await unitRanking(level: .district, period: period).filter(\.eligible),
            sessions: try await sessionRanking(period: period, limit: 10),
            communities: try await unitRanking(level: .community, period: period).filter(\.eligible).prefix(10).map { $0 },
            volunteers: VolunteerTally.periodKinds.contains(period.kind) && city != nil
                ? try await queries.topVolunteers(under: city ?? "", period: period, limit: 10) : [],
            funding: try await BudgetStore(client: queries.client, logger: queries.logger).performance(level: .district, period: period),
            themes: ActivityTallies.themePeriods.contains(period.kind) && city != nil
                ? try await queries.themes(unit: city ?? "", period: period) : [],
            pairings: [.quarter, .year, .phase].contains(period.kind) && city != nil
                ? try await queries.pairingCommitments(under: city ?? "", period: period) : [])
    }

    /// What each month of `period` begun by `today` is judged on (`WeakSpotHistory.Month`), after the month before
    /// them (nothing before the first month there is); none for a week or a day, or past
    /// `WeakSpotHistory.monthsPerReport` months. A query a month, and two for the sessions.
    func judgedMonths(_ period: ReportingPeriod, districts: [UnitInfo], today: ShanghaiDay) async throws -> [WeakSpotHistory.Month] {
        guard period.kind.span >= ReportingPeriod.Kind.month.span else { return [] }
        let months = period.periods(of: .month).filter { ($0.days?.lowerBound).map { $0 <= today } ?? false }
        guard let first = months.first, months.count <= WeakSpotHistory.monthsPerReport else { return [] }
        let ids = districts.map(\.id)
        let sessions = try await queries.sessionHistory(through: months.last?.days?.upperBound ?? today)
        func judged(_ month: ReportingPeriod) async throws -> WeakSpotHistory.Month {
            guard let last = month.days?.upperBound else { return WeakSpotHistory.Month(period: month, values: [:]) }
            // As the rule would have run on the month's last day.
            let idle = sessions.asOf(last)
            return WeakSpotHistory.Month(
                period: month, values: try await queries.values(units: ids, period: month), lastHeld: idle.lastHeld, neverHeld: idle.neverHeld)
        }
        var result: [WeakSpotHistory.Month] = []
        if let before = first.previous {
            result.append(try await judged(before))
        } else {
            // Nothing before the first month there is: what crosses in it began in it.
            result.append(WeakSpotHistory.Month(period: first, values: [:]))
        }
        for month in months { result.append(try await judged(month)) }
        return result
    }

    func unitRanking(level: UnitLevel, period: ReportingPeriod) async throws -> [RankedUnit] {
        let units = try await queries.units(atLevel: level)
        let values = try await queries.values(units: units.map(\.id), period: period)
        return Recognition.rankUnits(units, values: values, minimumBookings: settings.minimumBookings, weights: settings.recognitionWeights)
            .enumerated().map { index, entry in
                RankedUnit(
                    entry: UnitKPIs(unit: entry.unit, kpis: entry.values), rank: entry.score == nil ? nil : index + 1,
                    score: entry.score.map { ($0 * 10).rounded() / 10 })
            }
    }

    func sessionRanking(period: ReportingPeriod, limit: Int = 50) async throws -> [RankedSession] {
        guard let days = period.days else { return [] }
        return try await queries.topSessions(in: days, limit: limit).enumerated().map { index, entry in
            let s = entry.session
            return RankedSession(rank: index + 1, score: (entry.score * 10).rounded() / 10, tally: s)
        }
    }
}

extension KPIValues {
    mutating func add(_ other: KPIValues) {
        for (kpi, value) in other.counts { counts[kpi, default: 0] += value }
    }

    /// `kpi` per `residents` residents of `population`; nil without a population.
    func per(_ kpi: KPI, residents: Int, population: Int?) -> Double? {
        guard let population, population > 0 else { return nil }
        return Double(self[kpi]) * Double(residents) / Double(population)
    }
}

extension ReportingPeriod {
    /// Whether `date` falls on one of the period's Shanghai days.
    func contains(_ date: Date) -> Bool { days?.contains(ShanghaiDay(date)) ?? false }
}

func fixed(_ value: Double) -> String { String(format: "%.4f", value) }

/// The change from `before` to `now` in words: `+12.5 %`, `−3.0 %`, `new` (from nothing), `unchanged`.
func relativeChange(_ now: Int64, _ before: Int64) -> String {
    if now == before { return "unchanged" }
    if before == 0 { return "new" }
    let change = (Double(now) - Double(before)) / Double(before) * 100
    return String(format: "%@%.1f %%", change >= 0 ? "+" : "−", abs(change))
}

/// One CSV cell. A cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return: a title or id from input can) is prefixed with `'`, OWASP's advice against CSV injection; a number this
/// report writes itself (a negative change) is left as it is.
func csvField(_ text: String) -> String {
    var cell = text
    if let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first), Double(cell) == nil {
        cell = "'" + cell
    }
    return cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
        ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
}

func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        .replacingOccurrences(of: "\"", with: "&quot;")
}
