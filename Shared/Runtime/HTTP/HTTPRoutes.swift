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

    /// A router with these routes and the `/admin` group behind `adminToken`: the server's, and the one in-process
    /// route tests drive (HummingbirdTesting) without a broker.
    public func router(adminToken: String, context: RouteContext) -> Router<Context> {
        let router = Router(context: Context.self)
        let admin = router.group("admin").add(middleware: AdminAuthMiddleware<Context>(token: adminToken))
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
