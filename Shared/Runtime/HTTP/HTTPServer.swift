import Foundation
import Hummingbird
import Logging

/// The routes every service has: `/health/live`, `/health/ready`, `/metrics`. Services add theirs under the
/// public router or the `/admin` group (bearer token).
public struct HTTPRoutes: Sendable {
    public typealias Context = BasicRequestContext

    /// Adds a service's own routes; `admin` is `/admin`, behind the bearer token.
    public var install: @Sendable (_ router: Router<Context>, _ admin: RouterGroup<Context>, _ runtime: RuntimeContext) -> Void

    public init(install: @escaping @Sendable (_ router: Router<Context>, _ admin: RouterGroup<Context>, _ runtime: RuntimeContext) -> Void = { _, _, _ in }) {
        self.install = install
    }
}

enum HTTPServer {
    static func make(
        configuration: RuntimeConfiguration, metrics: ServiceMetrics, readiness: ReadinessChecks, routes: HTTPRoutes,
        context: RuntimeContext, logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.get("/health/live") { _, _ in jsonResponse(.ok, ["status": "live"]) }
        router.get("/health/ready") { _, _ in
            // Public: which check failed, never the server's own words (host names, users, versions): those go to
            // the log, once per change.
            let checks = await readiness.run()
            readiness.logChanges(checks)
            let ready = checks.allSatisfy(\.ok)
            var body: [String: Any] = ["status": ready ? "ready" : "not_ready"]
            body["checks"] = Dictionary(uniqueKeysWithValues: checks.map { ($0.name, $0.ok ? "ok" : "failing") })
            return jsonResponse(ready ? .ok : .serviceUnavailable, body)
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        let admin = router.group("admin").add(middleware: AdminAuthMiddleware<BasicRequestContext>(token: configuration.adminToken))
        // The effective configuration, for operators: the database password and admin token are left out, every
        // credential-like Kafka property is masked (`SensitiveSettings`).
        admin.get("config") { _, _ in
            jsonResponse(.ok, [
                "service": configuration.service.rawValue, "database": configuration.database.redacted,
                "kafka_bootstrap_servers": configuration.kafkaBootstrapServers,
                "kafka_properties": SensitiveSettings.masked(configuration.kafkaProperties),
                "consumer_batch_size": configuration.consumerBatchSize, "consumer_batch_wait_ms": configuration.consumerBatchWaitMilliseconds,
                "consumer_concurrency": configuration.consumerConcurrency,
                "outbox_relay": configuration.outboxRelayEnabled, "outbox_poll_ms": configuration.outboxPollMilliseconds,
                "outbox_batch_size": configuration.outboxBatchSize, "log_level": configuration.logLevel.rawValue,
            ])
        }
        routes.install(router, admin, context)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: configuration.service.rawValue),
            logger: logger)
    }
}

/// A JSON response from a JSON-compatible dictionary.
public func jsonResponse(_ status: HTTPResponse.Status, _ body: [String: Any]) -> Response {
    let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
