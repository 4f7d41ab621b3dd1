import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime

/// Targets (目标) and their attainment: anyone reads them; city admins set targets for the whole network or any
/// unit, district admins for units in their district.
struct TargetRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let store = TargetStore(client: context.client, logger: context.logger)
        let queries = KPIQueries(client: context.client, logger: context.logger)
        router.get("/api/targets") { _, _ in
            Targets(targets: try await store.all())
        }
        router.get("/api/attainment") { request, _ in
            guard let id = request.uri.queryParameters.get("target"), MetricsHTTPRoutes.isUnitId(id) else {
                throw APIError.badRequest("target must name a target (give ?target=<target id>)")
            }
            // The period's kind must be the target's; without a period, the last complete one.
            var period: ReportingPeriod?
            if let text = request.uri.queryParameters.get("period") {
                guard let parsed = ReportingPeriod(parsing: text) else { throw MetricsHTTPRoutes.badPeriod }
                period = parsed
            }
            guard let target = try await store.target(id) else { throw APIError.notFound("unknown target \(id)") }
            guard let chosen = period ?? target.lastCompletePeriod(at: Date()) else { throw MetricsHTTPRoutes.badPeriod }
            guard chosen.kind == target.periodKind else {
                throw APIError.badRequest("target \(id) is measured by \(target.periodKind.rawValue), not \(chosen.kind.rawValue)")
            }
            return TargetAttainmentReport(try await store.attainment(of: target, in: chosen))
        }
        admin.put("/targets/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: TargetInput.self, context: context)
            let target = input.target(id: id)
            try await Self.authorize(context, target.scope, queries: queries)
            // Changing a target is changing what it covered too: the caller must cover its old scope as well.
            if let existing = try await store.target(id) { try await Self.authorize(context, existing.scope, queries: queries) }
            try await store.save(target)
            return target
        }
        admin.delete("/targets/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let existing = try await store.target(id) else { throw APIError.notFound("unknown target \(id)") }
            try await Self.authorize(context, existing.scope, queries: queries)
            try await store.delete(id)
            return Response(status: .noContent)
        }
    }

    /// The whole network is the city admins'; a unit's targets are for whoever covers the unit.
    static func authorize(_ context: KepuRequestContext, _ scope: String?, queries: KPIQueries) async throws {
        guard let scope else {
            try context.authorize([.cityAdmin])
            return
        }
        guard MetricsHTTPRoutes.isUnitId(scope), let unit = try await queries.unit(scope) else {
            throw APIError(.unprocessableContent, "scope \(scope) names no unit metrics knows")
        }
        try context.authorize([.cityAdmin, .districtAdmin], over: unit.path)
    }
}

extension KPITarget: ResponseEncodable {}

extension KPITarget {
    /// The last period of the target's kind that has ended by `date` (the one an alert judges).
    func lastCompletePeriod(at date: Date) -> ReportingPeriod? {
        ReportingPeriod.current(periodKind, at: date)?.previous
    }
}

/// `GET /api/targets`.
struct Targets: ResponseEncodable {
    let targets: [KPITarget]
}

/// `GET /api/attainment`: each unit the target applies to, its value, and whether it attains the target.
struct TargetAttainmentReport: ResponseEncodable {
    struct Entry: Encodable {
        let unit: UnitInfo
        let value: Double?
        let attained: Bool?

        enum CodingKeys: String, CodingKey { case value, attained }

        func encode(to encoder: any Encoder) throws {
            try unit.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(value, forKey: .value)
            try container.encode(attained, forKey: .attained)
        }
    }

    let target: KPITarget
    let period: PeriodInfo
    let measured: Int
    let attained: Int
    let units: [Entry]

    init(_ attainment: TargetAttainment) {
        target = attainment.target
        period = PeriodInfo(attainment.period)
        measured = attainment.measured
        attained = attainment.attained
        units = attainment.entries.map { Entry(unit: $0.unit, value: $0.value, attained: $0.attained) }
    }
}
