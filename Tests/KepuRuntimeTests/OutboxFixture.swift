import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import Logging
import PostgresNIO

@testable import KepuRuntime

/// What the outbox's tests start from: a fresh database with the runtime's tables, the fixture cluster and a
/// producer on it.
struct OutboxFixture: Sendable {
    let database: DatabaseSettings
    let client: PostgresClient
    let cluster: EmbeddedKafkaCluster
    let producer: KafkaProducer
    let logger: Logger

    /// An outbox relay as a replica runs it, driven by hand (`publishOnce`): its timer is a minute.
    func relay() -> OutboxRelay {
        OutboxRelay(client: client, producer: producer, metrics: ServiceMetrics(), pollInterval: .seconds(60), batchSize: 100, logger: logger)
    }

    /// Applies the runtime's migrations through `version` (all of them by default).
    func migrate(through version: Int = .max) async throws {
        try await Migrator.migrate(
            client, component: RuntimeSchema.component, migrations: RuntimeSchema.migrations.filter { $0.version <= version }, logger: logger)
    }

    /// Runs `body` on a new fixture migrated through `version`, then stops the producer and the cluster.
    static func with(migratedThrough version: Int = .max, logger: Logger, _ body: @Sendable (OutboxFixture) async throws -> Void) async throws {
        let cluster = try makeTestCluster()
        defer { cluster.stop() }
        let database = try await TestPostgres.freshDatabase()
        try await TestPostgres.withClient(database) { client in
            let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers), logger: logger)
            let fixture = OutboxFixture(database: database, client: client, cluster: cluster, producer: producer, logger: logger)
            do {
                try await fixture.migrate(through: version)
                try await body(fixture)
            } catch {
                await producer.shutdown()
                throw error
            }
            await producer.shutdown()
        }
    }
}
