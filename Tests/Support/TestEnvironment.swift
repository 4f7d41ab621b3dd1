import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import Logging
import PostgresNIO

/// The PostgreSQL server the test command started; a test fails (not skips) when it is missing.
public enum TestPostgres {
    public static func settings() throws -> DatabaseSettings {
        guard let url = ProcessInfo.processInfo.environment["KEPU_TEST_POSTGRES_URL"] else {
            throw TestSetupError("KEPU_TEST_POSTGRES_URL is not set: run the tests with infra/test.sh, which starts PostgreSQL")
        }
        return try DatabaseSettings.parse(url).get()
    }

    /// A new, empty database for one test.
    public static func freshDatabase() async throws -> DatabaseSettings {
        let server = try settings()
        let name = "kepu_test_\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await withClient(server) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        return server.with(database: name)
    }

    /// Runs `body` with a running client for `settings`.
    public static func withClient<T: Sendable>(_ settings: DatabaseSettings, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let database = Database(settings: settings, poolSize: 4, logger: Logger(label: "test.db"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            return try await body(database.client)
        }
    }

    /// Runs `body` with a client for a new database migrated as `component`'s service database.
    public static func withServiceDatabase(
        component: String, migrations: [Migration], _ body: @Sendable (PostgresClient) async throws -> Void
    ) async throws {
        try await withClient(try await freshDatabase()) { client in
            try await Migrator.migrateService(client, component: component, migrations: migrations, logger: Logger(label: "test.db"))
            try await body(client)
        }
    }

    /// The lines of `EXPLAIN` for `query` (planned with its binds, not run), for tests of which indexes a query uses.
    public static func plan(of query: PostgresQuery, client: PostgresClient) async throws -> [String] {
        var lines: [String] = []
        for try await line in try await client.query(PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds)).decode(String.self) {
            lines.append(line)
        }
        return lines
    }

    public static func count(_ settings: DatabaseSettings, _ sql: String) async throws -> Int {
        try await withClient(settings) { client in
            let rows = try await client.query(PostgresQuery(unsafeSQL: sql)).collect()
            return try rows.first?.decode(Int.self) ?? 0
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public func publish(_ messages: [KafkaProducerMessage], to cluster: EmbeddedKafkaCluster) async throws {
    let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers))
    for result in await producer.send(messages) { _ = try result.get() }
    await producer.shutdown()
}

/// Reads a topic from the beginning until `count` records arrived or nothing new came for `quiet`.
public func readTopic(
    _ topic: String, cluster: EmbeddedKafkaCluster, atLeast count: Int, quiet: Duration = .seconds(3), timeout: Duration = .seconds(60)
) async throws -> [KafkaConsumerMessage] {
    let consumer = try KafkaConsumer(configuration: .consumer(bootstrapServers: cluster.bootstrapServers, groupId: "reader-\(UUID())"))
    try consumer.subscribe(topics: [topic])
    var messages: [KafkaConsumerMessage] = []
    let deadline = ContinuousClock.now + timeout
    var lastNew = ContinuousClock.now
    while ContinuousClock.now < deadline {
        guard let batch = try await consumer.poll(maxMessages: 1000, maxWait: .milliseconds(100)) else { break }
        if !batch.isEmpty {
            messages += batch.messages
            lastNew = .now
        }
        if messages.count >= count && ContinuousClock.now - lastNew > quiet { break }
    }
    await consumer.close()
    return messages
}

/// Waits until `condition` holds; throws (failing the test) after `timeout`.
public func eventually(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    throw TestSetupError("timed out waiting for: \(what)")
}
