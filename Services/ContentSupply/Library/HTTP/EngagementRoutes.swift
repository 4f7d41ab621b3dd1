import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime

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

        router.get("works/:id/engagement") { request, context in
            let work = try context.parameters.requireIdentifier("id")
            let site = try Page.identifier(request, "siteId")
            let today = ShanghaiDay(Date())
            let from = try Self.day(request, "from") ?? today.advanced(by: -30)
            let until = try Self.day(request, "until") ?? today
            guard from <= until, until.number - from.number < Self.maximumDays else {
                throw APIError.badRequest("from must not be after until, and they at most \(Self.maximumDays) days apart")
            }
            return try await queries.engagement(work: work, site: site, from: from, until: until)
        }
        router.get("sites/:id/recommended-works") { request, context in
            let site = try context.parameters.requireIdentifier("id")
            guard try await queries.sitePath(site) != nil else { throw APIError.notFound("no such site") }
            let (_, limit) = try Page.read(request)
            return Listing(items: try await queries.recommendations(site: site, limit: limit))
        }
        router.get("officers/rankings") { request, _ in
            let (_, limit) = try Page.read(request)
            return Listing(items: try await queries.rankings(district: try Page.identifier(request, "district"), limit: limit))
        }
        admin.get("sites/:id/officers") { _, context in
            let site = try context.parameters.requireIdentifier("id")
            guard let path = try await queries.sitePath(site) else { throw APIError.notFound("no such site") }
            try context.authorize(LotRoutes.receivers, over: path + [site])
            return Listing(items: try await queries.officers(site: site))
        }
        admin.delete("officers/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard
                let site = try await client.query("SELECT site_id FROM officer WHERE id = \(id)", logger: logger).collect().first?.decode(
                    String.self),
                let path = try await queries.sitePath(site)
            else { throw APIError.notFound("no such officer") }
            try context.authorize(LotRoutes.receivers, over: path + [site])
            _ = try await client.withConnection { try await OfficerStore(logger: logger).leave(id, on: $0) }
            return Listing(items: try await queries.officers(site: site))
        }
    }

    private static func day(_ request: Request, _ name: String) throws -> ShanghaiDay? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let day = ShanghaiDay(text), ShanghaiDay.supportedYears.contains(day.civil.year) else {
            throw APIError.badRequest("\(name) is not a yyyy-MM-dd day")
        }
        return day
    }
}
