import Logging
import PostgresNIO
import ServiceLifecycle

/// A service's PostgreSQL connection pool, as a `Service` that stops on graceful shutdown (after the services that
/// use it, when it is first in the `ServiceGroup`).
public struct Database: Service {
    public let client: PostgresClient

    public init(settings: DatabaseSettings, poolSize: Int, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: .disable)
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    public func run() async {
        // PostgresClient.run() only ends on cancellation; end it on graceful shutdown too.
        await cancelWhenGracefulShutdown { await client.run() }
    }
}
