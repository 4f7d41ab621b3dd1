import KepuRuntime
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@Suite("Migrations")
struct MigrationTests {
    static let migrations = [
        Migration(version: 1, name: "table", statements: ["CREATE TABLE things (id integer PRIMARY KEY)"]),
        // Not idempotent: a second run would add a second row.
        Migration(version: 2, name: "probe", statements: ["CREATE TABLE probe (n integer)", "INSERT INTO probe VALUES (1)"]),
    ]

    @Test("two replicas migrating at the same moment apply each step once")
    func concurrentReplicas() async throws {
        let database = try await TestPostgres.freshDatabase()
        let logger = Logger(label: "test.migrations")
        // Two pools, as two processes would have: the advisory lock is what serialises them.
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await TestPostgres.withClient(database) { client in
                        try await Migrator.migrate(client, component: "test", migrations: Self.migrations, logger: logger)
                    }
                }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        #expect(applied.sorted { $0.count < $1.count } == [[], [1, 2]], "one replica applied both steps, the other none")
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM probe") == 1)
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM kepu_schema_migrations WHERE component = 'test'") == 2)

        let again = try await TestPostgres.withClient(database) { client in
            try await Migrator.migrate(
                client, component: "test",
                migrations: Self.migrations + [
                    Migration(version: 3, name: "more", statements: ["ALTER TABLE things ADD COLUMN label text"])
                ], logger: logger)
        }
        #expect(again == [3], "a restart applies only what is new")
    }

    @Test("a failing step leaves nothing half-applied")
    func atomicSteps() async throws {
        let database = try await TestPostgres.freshDatabase()
        let logger = Logger(label: "test.migrations")
        await #expect(throws: (any Error).self) {
            try await TestPostgres.withClient(database) { client in
                try await Migrator.migrate(
                    client, component: "test",
                    migrations: [
                        Migration(version: 1, name: "broken", statements: ["CREATE TABLE half (n integer)", "THIS IS NOT SQL"])
                    ], logger: logger)
            }
        }
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM pg_tables WHERE tablename = 'half'") == 0)
    }
}
