import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Online works' reach and the information officers: engagement per work, site and day and officers' rankings are
/// public (no visitor or officer contact details in them); a site's roster is for its operator and district and
/// city staff.
struct EngagementRoutes: RouteCollectionInstaller {
    /// The longest span one engagement query covers.
    static let maximumDays = 366

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let queries = ContentQueries(client: client, logger: logger)

        router.get("works/:id/engagement") { request, context in try await Self.engagement(request, context, queries) }
        router.get("sites/:id/recommended-works") { request, context in try await Self.recommended(request, context, queries) }
        router.get("officers/rankings") { request, _ in try await Self.rankings(request, queries) }
        admin.get("sites/:id/officers") { _, context in try await Self.roster(context, queries) }
        admin.delete("officers/:id") { _, context in try await Self.leave(context, queries, client, logger) }
    }

    // Route bodies as functions, left unoptimised: Swift 6.3.1's optimiser crashes ("While splitting coroutine")
    // on them otherwise; none is a hot path.
    @_optimize(none) private static func engagement(_ request: Request, _ context: KepuRequestContext, _ queries: ContentQueries) async throws
        -> EngagementList
    {
        let work = try context.parameters.requireIdentifier("id")
        let site = try Page.identifier(request, "siteId")
        let today = ShanghaiDay(Date())
        let from = try day(request, "from") ?? today.advanced(by: -30)
        let until = try day(request, "until") ?? today
        guard from <= until, until.number - from.number < maximumDays else {
            throw APIError.badRequest("from must not be after until, and they at most \(maximumDays) days apart")
        }
        return try await queries.engagement(work: work, site: site, from: from, until: until)
    }

    @_optimize(none) private static func recommended(_ request: Request, _ context: KepuRequestContext, _ queries: ContentQueries) async throws
        -> Listing<RecommendedWork>
    {
        let site = try context.parameters.requireIdentifier("id")
        guard try await queries.sitePath(site) != nil else { throw APIError.notFound("no such site") }
        let (_, limit) = try Page.read(request)
        return Listing(items: try await queries.recommendations(site: site, limit: limit))
    }

    @_optimize(none) private static func rankings(_ request: Request, _ queries: ContentQueries) async throws -> Listing<RankedOfficer> {
        let (_, limit) = try Page.read(request)
        return Listing(items: try await queries.rankings(district: try Page.identifier(request, "district"), limit: limit))
    }

    @_optimize(none) private static func roster(_ context: KepuRequestContext, _ queries: ContentQueries) async throws -> Listing<OfficerView> {
        let site = try context.parameters.requireIdentifier("id")
        guard let path = try await queries.sitePath(site) else { throw APIError.notFound("no such site") }
        try context.authorize(LotRoutes.receivers, over: path + [site])
        return Listing(items: try await queries.officers(site: site))
    }

    @_optimize(none) private static func leave(
        _ context: KepuRequestContext, _ queries: ContentQueries, _ client: PostgresClient, _ logger: Logger
    ) async throws -> Listing<OfficerView> {
        let id = try context.parameters.requireIdentifier("id")
        guard let site = try await queries.officerSite(id) else { throw APIError.notFound("no such officer") }
        guard let path = try await queries.sitePath(site) else { throw APIError.notFound("no such site") }
        try context.authorize(LotRoutes.receivers, over: path + [site])
        try await OfficerStore(logger: logger).leave(id, client: client)
        return Listing(items: try await queries.officers(site: site))
    }

    private static func day(_ request: Request, _ name: String) throws -> ShanghaiDay? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let day = ShanghaiDay(text), ShanghaiDay.supportedYears.contains(day.civil.year) else {
            throw APIError.badRequest("\(name) is not a yyyy-MM-dd day")
        }
        return day
    }
}
