import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import KepuRuntime

/// The relay's progress row: where a database that had per-row marks starts, and what pruning may delete.
@Suite("Outbox relay progress")
struct OutboxProgressTests {
    static let logger = Logger(label: "test.outbox-progress")

    @Test("a database migrated from per-row marks: the progress starts below its first unpublished row, which is then published")
    func upgradeFromMarks() async throws {
        try await OutboxFixture.with(migratedThrough: 2, logger: Self.logger) { fixture in
            let (client, database, logger, topic) = (fixture.client, fixture.database, fixture.logger, "kepu.test.results.v1")
            // Rows 1 and 2 were published and marked, row 3 was not (as the relay before the progress row left them).
            for (name, published) in [("one", true), ("two", true), ("three", false)] {
                try await client.query(
                    """
                    INSERT INTO outbox_message (event_id, topic, message_key, event_type, event_source, event_time, payload, published_at)
                    VALUES (\(name), \(topic), 'k', 'kepu.test.applied.v1', '/tests', now(), '{}', CASE WHEN \(published) THEN now() END)
                    """, logger: logger)
            }
            try await fixture.migrate()
            #expect(try await TestPostgres.count(database, "SELECT published_through::int FROM outbox_relay_progress") == 2)
            #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 1)

            #expect(try await fixture.relay().publishOnce().settled == 1)
            #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 0)
            let published = try await readTopic(topic, cluster: fixture.cluster, atLeast: 1, quiet: .seconds(2))
            #expect(published.compactMap { try? CloudEvent(kafkaMessage: $0).id } == ["three"])
        }
    }

    @Test("while one replica's relay holds the round, another's publishes nothing; then it publishes what is left")
    func oneRelayAtATime() async throws {
        try await OutboxFixture.with(logger: Self.logger) { fixture in
            let (client, logger) = (fixture.client, fixture.logger)
            try await client.withOutboxTransaction(logger: logger) { transaction in
                transaction.emit(OutboxOrderTests.event("waiting"))
            }
            // Another replica's round, in the middle of sending: the progress row is locked until it commits.
            let (release, released) = AsyncStream<Void>.makeStream()
            let (locked, lockTaken) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await client.withTransaction(logger: logger) { connection in
                    try await connection.query("SELECT published_through FROM outbox_relay_progress FOR UPDATE", logger: logger)
                    lockTaken.yield()
                    for await _ in release { break }
                }
            }
            for await _ in locked { break }
            #expect(try await fixture.relay().publishOnce().settled == 0, "the round belongs to the other replica")
            released.yield()
            try await holder.value
            #expect(try await fixture.relay().publishOnce().settled == 1)
        }
    }

    @Test("pruning deletes published rows older than a day, and nothing unpublished or younger")
    func pruning() async throws {
        try await OutboxFixture.with(logger: Self.logger) { fixture in
            let (client, logger) = (fixture.client, fixture.logger)
            // Ids 1-4: two days old, a day and a half, an hour (published through 3), two days old (not published).
            for (name, age) in [("old", 48), ("older-than-a-day", 36), ("young", 1), ("old-unpublished", 48)] {
                try await client.query(
                    """
                    INSERT INTO outbox_message (event_id, topic, message_key, event_type, event_source, event_time, payload, created_at)
                    VALUES (\(name), 'kepu.test.results.v1', 'k', 'kepu.test.applied.v1', '/tests', now(), '{}', now() - \(age) * interval '1 hour')
                    """, logger: logger)
            }
            try await client.query("UPDATE outbox_relay_progress SET published_through = 3", logger: logger)
            await fixture.relay().prunePublished()
            let left = try await client.query("SELECT event_id FROM outbox_message ORDER BY id", logger: logger).collect().map {
                try $0.decode(String.self)
            }
            #expect(left == ["young", "old-unpublished"])
        }
    }
}
