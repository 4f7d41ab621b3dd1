import Foundation
import Hummingbird
import Logging

enum HTTPServer {
    static func make(
        configuration: RuntimeConfiguration, metrics: ServiceMetrics, readiness: ReadinessChecks, routes: HTTPRoutes,
        context: RuntimeContext, logger: Logger
    ) -> some ApplicationProtocol {
        let router = routes.router(adminToken: configuration.adminToken, context: RouteContext(client: context.client, logger: logger))
        RuntimeRoutes(configuration: configuration, metrics: metrics, readiness: readiness).add(to: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: configuration.service.rawValue),
            logger: logger)
    }
}

/// The routes every service has: `/health/live`, `/health/ready`, `/metrics` and `/admin/config`.
struct RuntimeRoutes {
    let configuration: RuntimeConfiguration
    let metrics: ServiceMetrics
    let readiness: ReadinessChecks

    func add(to router: Router<KepuRequestContext>) {
        router.get("/health/live") { _, _ in Health(status: "live", checks: nil) }
        router.get("/health/ready") { _, _ in
            // Public: which check failed, never the server's own words (host names, users, versions): those go to
            // the log, once per change.
            let checks = await readiness.run()
            readiness.logChanges(checks)
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
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        // The effective configuration, for operators: the database password and admin token are left out, every
        // credential-like Kafka property is masked (`SensitiveSettings`).
        let configuration = configuration
        router.group("admin").add(middleware: AdminAuthMiddleware<KepuRequestContext>(token: configuration.adminToken)).get("config") { _, _ in
            EffectiveConfiguration(configuration)
        }
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
        case kafkaBootstrapServers = "kafka_bootstrap_servers", kafkaProperties = "kafka_properties"
        case consumerBatchSize = "consumer_batch_size", consumerBatchWaitMs = "consumer_batch_wait_ms"
        case consumerConcurrency = "consumer_concurrency", outboxRelay = "outbox_relay", outboxPollMs = "outbox_poll_ms"
        case outboxBatchSize = "outbox_batch_size", logLevel = "log_level"
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
