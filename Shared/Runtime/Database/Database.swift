import Logging
import PostgresNIO
import ServiceLifecycle

/// A service's PostgreSQL connection pool, as a `Service` that stops on graceful shutdown (after the services that
/// use it, when it is first in the `ServiceGroup`).
public struct Database: Service {
    public let client: PostgresClient
    /// Opened when `run()` starts the pool.
    private let started = Latch<Void>()

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
        await cancelWhenGracefulShutdown {
            // Opened in the task that calls `client.run()`, with no suspension between the two.
            started.open(with: ())
            await client.run()
        }
    }

    /// Returns once `run()` has started the pool. A query sent before that waits for it anyway, but PostgresNIO logs
    /// a warning for it ("PostgresClient.run() hasn't been called yet"): a service's first query, its migration,
    /// raced the pool's start and put that warning in the log at every start.
    public func waitUntilRunning() async {
        await started.wait()
        // The latch opens just before `client.run()` marks itself running, and PostgresNIO has no way to ask
        // whether it has; a waiter resumed on the other core could still get there first on a busy machine (the
        // suite saw it 10 times in 23 tests). A millisecond is far more than those few instructions take.
        try? await Task.sleep(for: .milliseconds(1))
    }

    /// Runs the pool for the length of `body` (tools and tests, outside a `ServiceGroup`).
    public func withRunning<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await run() }
            defer { group.cancelAll() }
            await waitUntilRunning()
            return try await body(client)
        }
    }
}
