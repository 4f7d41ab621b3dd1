import Foundation
import Hummingbird
import Logging
import PostgresNIO

enum HTTPServer {
    static func make(
        configuration: RuntimeConfiguration, metrics: ServiceMetrics, readiness: ReadinessChecks, routes: HTTPRoutes,
        context: RuntimeContext, authenticator: AdminAuthenticator, logger: Logger
    ) -> some ApplicationProtocol {
        let routeContext = RouteContext(client: context.client, logger: logger)
        let router = routes.router(authenticator: authenticator, context: routeContext)
        let effective = EffectiveConfiguration(configuration)
        RuntimeRoutes(
            authenticator: authenticator, audit: AdminAudit(client: context.client, logger: logger),
            readiness: {
                // Public: which check failed, never the server's own words (host names, users, versions): those go to
                // the log, once per change.
                let checks = await readiness.run()
                readiness.logChanges(checks)
                return checks.map { ($0.name, $0.ok) }
            },
            metrics: { metrics.render() },
            configuration: { effective }
        ).add(to: router)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: configuration.service.rawValue),
            logger: logger)
    }
}

/// The routes every service has: `/health/live`, `/health/ready`, `/metrics` and `/admin/config` (and `/admin/audit`, with
/// the admin group: `HTTPRoutes.router`).
struct RuntimeRoutes {
    let authenticator: AdminAuthenticator
    let audit: AdminAudit
    let readiness: @Sendable () async -> [(name: String, ok: Bool)]
    let metrics: @Sendable () -> [UInt8]
    /// The effective configuration, for operators: the database password and admin token are left out, every
    /// credential-like Kafka property is masked (`SensitiveSettings`).
    let configuration: @Sendable () -> EffectiveConfiguration?

    func add(to router: Router<KepuRequestContext>) {
        router.get("/health/live") { _, _ in Health(status: "live", checks: nil) }
        let readiness = readiness
        router.get("/health/ready") { _, _ in
            let checks = await readiness()
            let ready = checks.allSatisfy(\.ok)
            let body = Health(
                status: ready ? "ready" : "not_ready",
                checks: Dictionary(checks.map { ($0.name, $0.ok ? "ok" : "failing") }, uniquingKeysWith: { a, _ in a }))
            return EditedResponse(status: ready ? .ok : .serviceUnavailable, response: body)
        }
        let metrics = metrics
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics())))
        }
        let configuration = configuration
        let admin = router.group("admin").add(middleware: AdminAuthMiddleware(authenticator: authenticator, audit: audit))
        admin.get("config") { _, context in
            try context.authorize([.cityAdmin])
            guard let effective = configuration() else { throw APIError(.serviceUnavailable, "no configuration") }
            return effective
        }
    }
}

extension ServiceDefinition {
    /// Every route the service answers, the runtime's and its own, as `METHOD /path` with `{name}` for a path
    /// parameter: what its OpenAPI document must list, no more and no less.
    public func routeTable() -> [String] {
        // Building the router runs no route: the client is never started and no query is sent.
        let client = PostgresClient(configuration: .init(host: "127.0.0.1", username: "unused", password: nil, database: nil, tls: .disable))
        let context = RouteContext(client: client, logger: Logger(label: "kepu.routes"))
        let authenticator = AdminAuthenticator(unsignedStaticToken: "unused")
        let router = routes.router(authenticator: authenticator, context: context)
        RuntimeRoutes(
            authenticator: authenticator, audit: AdminAudit(client: client, logger: context.logger), readiness: { [] }, metrics: { [] },
            configuration: { nil }
        ).add(to: router)
        return router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method) /" + path.joined(separator: "/")
        }.sorted()
    }
}

/// `/health/live` and `/health/ready`.
struct Health: ResponseEncodable {
    let status: String
    let checks: [String: String]?
}

/// `/admin/config`.
struct EffectiveConfiguration: ResponseEncodable {
    let service: String
    let database: String
    let kafkaBootstrapServers: String
    let kafkaProperties: [String: String]
    let consumerBatchSize: Int
    let consumerBatchWaitMs: Int
    let consumerConcurrency: Int
    let outboxRelay: Bool
    let outboxPollMs: Int
    let outboxBatchSize: Int
    let logLevel: String

    enum CodingKeys: String, CodingKey {
        case service, database
        case kafkaBootstrapServers = "kafka_bootstrap_servers"
        case kafkaProperties = "kafka_properties"
        case consumerBatchSize = "consumer_batch_size"
        case consumerBatchWaitMs = "consumer_batch_wait_ms"
        case consumerConcurrency = "consumer_concurrency"
        case outboxRelay = "outbox_relay"
        case outboxPollMs = "outbox_poll_ms"
        case outboxBatchSize = "outbox_batch_size"
        case logLevel = "log_level"
    }

    init(_ configuration: RuntimeConfiguration) {
        service = configuration.service.rawValue
        database = configuration.database.redacted
        kafkaBootstrapServers = configuration.kafkaBootstrapServers
        kafkaProperties = SensitiveSettings.masked(configuration.kafkaProperties)
        consumerBatchSize = configuration.consumerBatchSize
        consumerBatchWaitMs = configuration.consumerBatchWaitMilliseconds
        consumerConcurrency = configuration.consumerConcurrency
        outboxRelay = configuration.outboxRelayEnabled
        outboxPollMs = configuration.outboxPollMilliseconds
        outboxBatchSize = configuration.outboxBatchSize
        logLevel = configuration.logLevel.rawValue
    }
}
