import Hummingbird
import KepuDomain
import KepuRuntime

/// Activities by theme (二(四)) and pairings' commitments (二(二)).
struct ActivityTallyRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let queries = KPIQueries(client: context.client, logger: context.logger)
        router.get("/api/themes") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            guard ActivityTallies.themePeriods.contains(period.kind) else {
                throw APIError.badRequest("themes are kept by month, quarter, year and phase")
            }
            let unit = try await MetricsHTTPRoutes.unit(of: request, queries: queries)
            return Themes(unit: unit.id, period: PeriodInfo(period), themes: try await queries.themes(unit: unit.id, period: period))
        }
        router.get("/api/pairings") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            guard [.quarter, .year, .phase].contains(period.kind) else { throw APIError.badRequest("pairings are judged by quarter, year or phase") }
            let unit = try await MetricsHTTPRoutes.unit(of: request, queries: queries)
            let pairings = try await queries.pairingCommitments(under: unit.id, period: period)
            let quarters = pairings.flatMap(\.quarters)
            return Pairings(
                unit: unit.id, period: PeriodInfo(period), quartersDue: quarters.count, quartersMet: quarters.filter(\.met).count, pairings: pairings)
        }
    }
}

/// `GET /api/themes?unit=&period=`.
struct Themes: ResponseEncodable {
    let unit: String
    let period: PeriodInfo
    let themes: [ThemeTally]
}

/// `GET /api/pairings?unit=&period=`: each pairing's quarters, and how many of them met the commitments.
struct Pairings: ResponseEncodable {
    let unit: String
    let period: PeriodInfo
    let quartersDue: Int
    let quartersMet: Int
    let pairings: [PairingCommitmentsMet]
}
