import Logging
import PostgresNIO

/// One step of a component's schema. Statements run in order, in one transaction with the bookkeeping, so a step
/// is applied entirely or not at all.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Applies migrations in version order, each once per database.
///
/// All of it happens in one transaction holding a transaction-level advisory lock, so replicas starting together
/// queue up: the first applies, the others then find everything applied. Versions are recorded per component
/// (`kepu.runtime` for the outbox and inbox, the service's name for its own tables).
public enum Migrator {
    /// The advisory lock key, the same for every service and version. Kept as first chosen rather than derived
    /// from a name (`AdvisoryLock`): a replica of any earlier release must take the same lock.
    static let lockKey: Int64 = 0x6B65_7075_6D69_6772 // "kepumigr"

    /// A service's database: the runtime's tables (outbox, inbox, stored offsets), then the service's own.
    public static func migrateService(_ client: PostgresClient, component: String, migrations: [Migration], logger: Logger) async throws {
        try await migrate(client, component: RuntimeSchema.component, migrations: RuntimeSchema.migrations, logger: logger)
        try await migrate(client, component: component, migrations: migrations, logger: logger)
    }

    /// Returns the versions this call applied.
    @discardableResult
    public static func migrate(
        _ client: PostgresClient, component: String, migrations: [Migration], logger: Logger
    ) async throws -> [Int] {
        let sorted = migrations.sorted { $0.version < $1.version }
        precondition(Set(sorted.map(\.version)).count == sorted.count, "duplicate migration versions in \(component)")
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS kepu_schema_migrations (
                    component text NOT NULL,
                    version integer NOT NULL,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (component, version)
                )
                """, logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query(
                "SELECT version FROM kepu_schema_migrations WHERE component = \(component)", logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            var newlyApplied: [Int] = []
            for migration in sorted where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO kepu_schema_migrations (component, version, name) VALUES (\(component), \(migration.version), \(migration.name))",
                    logger: logger)
                logger.info(
                    "migration applied", metadata: ["component": "\(component)", "version": "\(migration.version)", "name": "\(migration.name)"])
                newlyApplied.append(migration.version)
            }
            return newlyApplied
        }
    }
}
