import Foundation
import Hummingbird
import KepuRuntime

/// Needs surveyed, per unit and theme, and those nothing on the menu or the calendar covers (public: counts only).
struct NeedsRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let queries = VolunteerQueries(client: context.client, logger: context.logger)
        router.get("needs") { request, _ in try await queries.needs(under: try Page.identifier(request, "unit")) }
        router.get("needs/uncovered") { request, _ in try await queries.uncovered(under: try Page.identifier(request, "unit"), now: Date()) }
    }
}
