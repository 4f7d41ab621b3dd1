import Hummingbird
import Logging
import PostgresNIO

/// A service's own HTTP routes, added beside the runtime's (`/health/*`, `/metrics`, `/admin/config`). `admin` is
/// the `/admin` group behind the bearer token. Routes get the database and a logger only: what they change goes out
/// as events through the outbox, never straight to Kafka, so they run (and are tested) without a broker.
public struct HTTPRoutes: Sendable {
    public typealias Context = KepuRequestContext

    public var install: @Sendable (_ router: Router<Context>, _ admin: RouterGroup<Context>, _ context: RouteContext) -> Void

    public init(
        install: @escaping @Sendable (_ router: Router<Context>, _ admin: RouterGroup<Context>, _ context: RouteContext) -> Void = { _, _, _ in }
    ) {
        self.install = install
    }

    /// The routes of each collection, in order.
    public init(_ collections: [any RouteCollectionInstaller]) {
        self.init { router, admin, context in
            for collection in collections { collection.addRoutes(public: router, admin: admin, context: context) }
        }
    }

    /// A router with these routes and the `/admin` group behind `authenticator` (writes recorded in the audit log):
    /// the server's, and the one in-process route tests drive (HummingbirdTesting) without a broker.
    public func router(authenticator: AdminAuthenticator, context: RouteContext) -> Router<Context> {
        let router = Router(context: Context.self)
        if BusTracing.isEnabled { router.add(middleware: HTTPTracingMiddleware()) }
        let audit = AdminAudit(client: context.client, logger: context.logger)
        let admin = router.group("admin").add(middleware: AdminAuthMiddleware(authenticator: authenticator, audit: audit))
        admin.get("audit") { request, context in
            try context.authorize([.cityAdmin])
            let after = Int64(request.uri.queryParameters.get("after") ?? "0")
            let limit = Int(request.uri.queryParameters.get("limit") ?? "100")
            guard let after, after >= 0, let limit, (1...1000).contains(limit) else {
                throw APIError.badRequest("after is an entry id (>= 0) and limit 1...1000")
            }
            return try await audit.page(after: after, limit: limit)
        }
        install(router, admin, context)
        return router
    }
}

/// What routes are given.
public struct RouteContext: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }
}

/// One resource's routes (a controller, in Hummingbird's examples' words): its public reads and its admin writes.
public protocol RouteCollectionInstaller: Sendable {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext)
}
