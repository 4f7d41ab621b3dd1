import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime

/// metrics' HTTP API (all public reads): KPIs for a unit and period, a unit's children, trends, rankings, open
/// alerts; the dashboard page; the evaluation report as HTML and CSV. `period` is `kind:key` (`month:2026-11`,
/// `week:2026-W48`, `phase:rollout`, ...); without it, the current month in Shanghai.
enum MetricsHTTPRoutes {
    static func make(settings: MetricsSettings) -> HTTPRoutes {
        HTTPRoutes([
            KPIRoutes(), RankingRoutes(settings: settings), ReportRoutes(settings: settings), TargetRoutes(), FundingRoutes(), ActivityTallyRoutes(),
        ])
    }

    /// A unit id as the registry writes them: anything else names no unit (and a NUL would be refused by the
    /// database as an error, not a miss).
    static func isUnitId(_ text: String) -> Bool {
        (try? FieldLimit.check(text, "unit", max: FieldLimit.identifier)) != nil
    }

    static let badPeriod = APIError.badRequest(
        "period must be kind:key, e.g. day:2026-11-29, week:2026-W48, month:2026-11, quarter:2026-Q4, year:2026, phase:rollout")

    /// `?period=kind:key`, checked; the current month when absent.
    static func period(of request: Request) throws -> ReportingPeriod {
        let text = request.uri.queryParameters.get("period") ?? ""
        guard let period = text.isEmpty ? ReportingPeriod.current(.month, at: Date()) : ReportingPeriod(parsing: text) else { throw badPeriod }
        return period
    }

    /// `?unit=<id>` naming a unit metrics knows, else a 404.
    static func unit(of request: Request, queries: KPIQueries) async throws -> UnitInfo {
        guard let id = request.uri.queryParameters.get("unit"), isUnitId(id), let unit = try await queries.unit(id) else {
            throw APIError.notFound("unknown unit (give ?unit=<unit id>)")
        }
        return unit
    }
}

/// KPIs: the top units, one unit, a unit's children, a unit's trend, the open alerts.
struct KPIRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let queries = KPIQueries(client: context.client, logger: context.logger)
        router.get("/api/units") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            let roots = try await queries.roots()
            let values = try await queries.values(units: roots.map(\.id), period: period)
            return RootUnits(period: PeriodInfo(period), units: roots.map { UnitKPIs(unit: $0, kpis: values[$0.id] ?? KPIValues()) })
        }
        router.get("/api/kpis") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            let unit = try await MetricsHTTPRoutes.unit(of: request, queries: queries)
            let values = try await queries.values(units: [unit.id], period: period)
            return UnitKPIsInPeriod(unit: UnitKPIs(unit: unit, kpis: values[unit.id] ?? KPIValues()), period: PeriodInfo(period))
        }
        router.get("/api/units/:id/children") { request, context in
            let period = try MetricsHTTPRoutes.period(of: request)
            let id = try context.parameters.require("id")
            guard MetricsHTTPRoutes.isUnitId(id), let unit = try await queries.unit(id) else { throw APIError.notFound("unknown unit \(id)") }
            let children = try await queries.children(of: id)
            let values = try await queries.values(units: children.map(\.id), period: period)
            return UnitChildren(
                unit: unit, period: PeriodInfo(period), children: children.map { UnitKPIs(unit: $0, kpis: values[$0.id] ?? KPIValues()) })
        }
        router.get("/api/trend") { request, _ in
            // Parameters first: a malformed one is a 400 whatever the unit.
            let count = min(max(Int(request.uri.queryParameters.get("days") ?? "") ?? 30, 1), 366)
            var last = ShanghaiDay(Date())
            if let to = request.uri.queryParameters.get("to") {
                guard let day = ShanghaiDay(to) else { throw APIError.badRequest("to must be a day yyyy-MM-dd") }
                last = day
            }
            let unit = try await MetricsHTTPRoutes.unit(of: request, queries: queries)
            let points = try await queries.dailyValues(unit: unit.id, days: last.advanced(by: -(count - 1))...last)
            return Trend(unit: unit.id, points: points.map { Trend.Point(day: $0.day.description, kpis: $0.values) })
        }
        router.get("/api/coverage") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            let unit = try await MetricsHTTPRoutes.unit(of: request, queries: queries)
            return Coverage(unit: unit.id, period: PeriodInfo(period), children: try await queries.activityCoverage(under: unit.id, period: period))
        }
        router.get("/api/staffing") { request, _ in
            let unit = try await MetricsHTTPRoutes.unit(of: request, queries: queries)
            return Staffing(unit: unit.id, children: try await queries.staffing(under: unit.id))
        }
        router.get("/api/alerts") { _, _ in
            OpenAlerts(alerts: try await queries.openAlerts())
        }
    }
}

/// Recognition (优秀实施单位, 典型活动): units of a level and sessions, ranked for a period.
struct RankingRoutes: RouteCollectionInstaller {
    let settings: MetricsSettings

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let queries = KPIQueries(client: context.client, logger: context.logger)
        let report = EvaluationReport(queries: queries, settings: settings)
        router.get("/api/rankings") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            let levelText = request.uri.queryParameters.get("level") ?? UnitLevel.district.rawValue
            guard let level = UnitLevel(rawValue: levelText) else {
                throw APIError.badRequest("level must be one of \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return UnitRanking(period: PeriodInfo(period), level: level, units: try await report.unitRanking(level: level, period: period))
        }
        router.get("/api/nominations") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            guard [.month, .year, .phase].contains(period.kind) else {
                throw APIError.badRequest("period must be a month, year or phase for nominations, e.g. year:2025")
            }
            let limitText = request.uri.queryParameters.get("limit") ?? "20"
            guard let limit = Int(limitText), (1...100).contains(limit) else { throw APIError.badRequest("limit must be 1...100") }
            let unit = try await MetricsHTTPRoutes.unit(of: request, queries: queries)
            let communities = try await report.unitRanking(level: .community, period: period).filter {
                $0.rank != nil && $0.entry.unit.path.contains(unit.id)
            }
            return Nominations(
                unit: unit.id, period: PeriodInfo(period), communities: Array(communities.prefix(limit)),
                volunteers: try await queries.topVolunteers(under: unit.id, period: period, limit: limit))
        }
        router.get("/api/rankings/sessions") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            return SessionRanking(period: PeriodInfo(period), sessions: try await report.sessionRanking(period: period))
        }
    }
}

/// The dashboard page and the evaluation report (评估报告) as HTML and CSV.
struct ReportRoutes: RouteCollectionInstaller {
    let settings: MetricsSettings

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let report = EvaluationReport(queries: KPIQueries(client: context.client, logger: context.logger), settings: settings)
        let cache = ReportCache<EvaluationReport.Content>(lifetime: .seconds(settings.reportCacheSeconds))
        /// The period's content, computed once per `KEPU_METRICS_REPORT_CACHE_SECONDS`; 503 while the limit of
        /// reports is being computed.
        @Sendable func content(_ period: ReportingPeriod) async throws -> EvaluationReport.Content {
            do {
                return try await cache.value(for: period) { try await report.content(period: period) }
            } catch is ReportCache<EvaluationReport.Content>.Busy {
                throw APIError(.serviceUnavailable, "\(cache.concurrentLimit) reports are being computed; try again in a few seconds")
            }
        }
        router.get("/dashboard") { _, _ in
            TextDocument(contentType: "text/html; charset=utf-8", text: DashboardPage.html)
        }
        router.get("/report") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            return TextDocument(
                contentType: "text/html; charset=utf-8", text: EvaluationReportHTML.text(try await content(period), settings: settings))
        }
        router.get("/report.csv") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            return TextDocument(
                contentType: "text/csv; charset=utf-8", text: EvaluationReportCSV.text(try await content(period)),
                disposition: "attachment; filename=\"kepu-report-\(period.kind.rawValue)-\(period.key).csv\"")
        }
    }
}

extension ReportingPeriod {
    /// From `kind:key`; nil unless the key names a real period of that kind.
    init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let kind = Kind(rawValue: String(parts[0])) else { return nil }
        self.init(kind: kind, key: String(parts[1]))
        guard days != nil else { return nil }
    }
}
