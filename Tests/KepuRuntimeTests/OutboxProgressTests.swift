import Foundation
import KepuContracts
import KepuKafka
@testable import KepuRuntime
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

/// The relay's progress row: where a database that had per-row marks starts, and what pruning may delete.
@Suite("Outbox relay progress")
struct OutboxProgressTests {
    static let logger = Logger(label: "test.outbox-progress")

    @Test("a database migrated from per-row marks: the progress starts below its first unpublished row, which is then published")
    func upgradeFromMarks() async throws {
        let cluster = try makeTestCluster()
        defer { cluster.stop() }
        let topic = "kepu.test.results.v1"
        let database = try await TestPostgres.freshDatabase()
        let logger = Self.logger
        try await TestPostgres.withClient(database) { client in
            try await Migrator.migrate(client, component: RuntimeSchema.component, migrations: RuntimeSchema.migrations.filter { $0.version <= 2 }, logger: logger)
            // Rows 1 and 2 were published and marked, row 3 was not (as the relay before the progress row left them).
            for (name, published) in [("one", true), ("two", true), ("three", false)] {
                try await client.query(
                    """
                    INSERT INTO outbox_message (event_id, topic, message_key, event_type, event_source, event_time, payload, published_at)
                    VALUES (\(name), \(topic), 'k', 'kepu.test.applied.v1', '/tests', now(), '{}', CASE WHEN \(published) THEN now() END)
                    """, logger: logger)
            }
            try await Migrator.migrate(client, component: RuntimeSchema.component, migrations: RuntimeSchema.migrations, logger: logger)
            #expect(try await TestPostgres.count(database, "SELECT published_through::int FROM outbox_relay_progress") == 2)
            #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 1)

            let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers), logger: logger)
            #expect(try await makeTestRelay(client, producer, logger: logger).publishOnce() == 1)
            #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 0)
            await producer.shutdown()
        }
        let published = try await readTopic(topic, cluster: cluster, atLeast: 1, quiet: .seconds(2))
        #expect(published.compactMap { try? CloudEvent(kafkaMessage: $0).id } == ["three"])
    }

    @Test("pruning deletes published rows older than a day, and nothing unpublished or younger")
    func pruning() async throws {
        let cluster = try makeTestCluster()
        defer { cluster.stop() }
        let database = try await TestPostgres.freshDatabase()
        let logger = Self.logger
        try await TestPostgres.withClient(database) { client in
            try await Migrator.migrate(client, component: RuntimeSchema.component, migrations: RuntimeSchema.migrations, logger: logger)
            // Ids 1-4: two days old, a day and a half, an hour (published through 3), two days old (not published).
            for (name, age) in [("old", 48), ("older-than-a-day", 36), ("young", 1), ("old-unpublished", 48)] {
                try await client.query(
                    """
                    INSERT INTO outbox_message (event_id, topic, message_key, event_type, event_source, event_time, payload, created_at)
                    VALUES (\(name), 'kepu.test.results.v1', 'k', 'kepu.test.applied.v1', '/tests', now(), '{}', now() - \(age) * interval '1 hour')
                    """, logger: logger)
            }
            try await client.query("UPDATE outbox_relay_progress SET published_through = 3", logger: logger)
            let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers), logger: logger)
            await makeTestRelay(client, producer, logger: logger).prunePublished()
            let left = try await client.query("SELECT event_id FROM outbox_message ORDER BY id", logger: logger).collect().map { try $0.decode(String.self) }
            #expect(left == ["young", "old-unpublished"])
            await producer.shutdown()
        }
    }
}
