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
        HTTPRoutes { router, _, runtime in
            let queries = KPIQueries(client: runtime.client, logger: runtime.logger)
            let report = EvaluationReport(queries: queries, settings: settings)

            router.get("/api/units") { request, _ in
                guard let period = period(of: request) else { return badPeriod }
                let roots = try await queries.roots()
                let values = try await queries.values(units: roots.map(\.id), period: period)
                return jsonResponse(.ok, ["period": period.json, "units": roots.map { unitJSON($0, values[$0.id]) }])
            }
            router.get("/api/kpis") { request, _ in
                guard let period = period(of: request) else { return badPeriod }
                guard let id = request.uri.queryParameters.get("unit"), isUnitID(id), let unit = try await queries.unit(id) else {
                    return jsonResponse(.notFound, ["error": "unknown unit (give ?unit=<unit id>)"])
                }
                let values = try await queries.values(units: [unit.id], period: period)
                return jsonResponse(.ok, unitJSON(unit, values[unit.id]).merging(["period": period.json]) { a, _ in a })
            }
            router.get("/api/units/:id/children") { request, context in
                guard let period = period(of: request) else { return badPeriod }
                let id = try context.parameters.require("id")
                guard isUnitID(id), let unit = try await queries.unit(id) else { return jsonResponse(.notFound, ["error": "unknown unit \(id)"]) }
                let children = try await queries.children(of: id)
                let values = try await queries.values(units: children.map(\.id), period: period)
                return jsonResponse(.ok, ["unit": unit.json, "period": period.json, "children": children.map { unitJSON($0, values[$0.id]) }])
            }
            router.get("/api/trend") { request, _ in
                // Parameters first: a malformed one is a 400 whatever the unit.
                let count = min(max(Int(request.uri.queryParameters.get("days") ?? "") ?? 30, 1), 366)
                var last = ShanghaiDay(Date())
                if let to = request.uri.queryParameters.get("to") {
                    guard let day = ShanghaiDay(to) else { return jsonResponse(.badRequest, ["error": "to must be a day yyyy-MM-dd"]) }
                    last = day
                }
                guard let id = request.uri.queryParameters.get("unit"), isUnitID(id), try await queries.unit(id) != nil else {
                    return jsonResponse(.notFound, ["error": "unknown unit (give ?unit=<unit id>)"])
                }
                let points = try await queries.dailyValues(unit: id, days: last.advanced(by: -(count - 1))...last)
                return jsonResponse(.ok, ["unit": id, "points": points.map { ["day": $0.day.description, "kpis": $0.values.json] }])
            }
            router.get("/api/rankings") { request, _ in
                guard let period = period(of: request) else { return badPeriod }
                let levelText = request.uri.queryParameters.get("level") ?? UnitLevel.district.rawValue
                guard let level = UnitLevel(rawValue: levelText)?.rawValue else {
                    return jsonResponse(.badRequest, ["error": "level must be one of \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", "))"])
                }
                return jsonResponse(.ok, ["period": period.json, "level": level, "units": try await report.unitRanking(level: level, period: period)])
            }
            router.get("/api/rankings/sessions") { request, _ in
                guard let period = period(of: request) else { return badPeriod }
                return jsonResponse(.ok, ["period": period.json, "sessions": try await report.sessionRanking(period: period)])
            }
            router.get("/api/alerts") { _, _ in
                jsonResponse(.ok, ["alerts": try await queries.openAlerts()])
            }
            router.get("/dashboard") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: DashboardPage.html)))
            }
            router.get("/report") { request, _ in
                guard let period = period(of: request) else { return badPeriod }
                let html = try await report.html(period: period)
                return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
            }
            router.get("/report.csv") { request, _ in
                guard let period = period(of: request) else { return badPeriod }
                let csv = try await report.csv(period: period)
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"kepu-report-\(period.kind.rawValue)-\(period.key).csv\""],
                    body: .init(byteBuffer: ByteBuffer(string: csv)))
            }
        }
    }

    /// A unit id as the registry writes them: anything else names no unit (and a NUL would be refused by the
    /// database as an error, not a miss).
    static func isUnitID(_ text: String) -> Bool {
        (try? FieldLimit.check(text, "unit", max: FieldLimit.identifier)) != nil
    }

    static var badPeriod: Response {
        jsonResponse(.badRequest, ["error": "period must be kind:key, e.g. day:2026-11-29, week:2026-W48, month:2026-11, quarter:2026-Q4, year:2026, phase:rollout"])
    }

    /// `?period=kind:key`, checked; the current month when absent.
    static func period(of request: Request) -> ReportingPeriod? {
        guard let text = request.uri.queryParameters.get("period"), !text.isEmpty else { return ReportingPeriod.current(.month, at: Date()) }
        return ReportingPeriod(parsing: text)
    }

    static func unitJSON(_ unit: UnitInfo, _ values: KPIValues?) -> [String: Any] {
        unit.json.merging(["kpis": (values ?? KPIValues()).json]) { a, _ in a }
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

    var json: [String: Any] {
        var result: [String: Any] = ["kind": kind.rawValue, "key": key]
        if let days { result["from"] = days.lowerBound.description; result["to"] = days.upperBound.description }
        return result
    }
}
