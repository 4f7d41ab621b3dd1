import KepuKafka
import Logging
import PostgresNIO
import Synchronization

/// What `/health/ready` checks: migrations done, the database answers, the brokers answer.
public final class ReadinessChecks: Sendable {
    let client: PostgresClient
    let admin: KafkaAdmin
    let logger: Logger
    private let migrated = Atomic(false)

    init(client: PostgresClient, admin: KafkaAdmin, logger: Logger) {
        self.client = client
        self.admin = admin
        self.logger = logger
    }

    func markMigrated() { migrated.store(true, ordering: .releasing) }

    /// Each check's name and whether it passed.
    public func run() async -> [(name: String, ok: Bool, detail: String)] {
        var results: [(String, Bool, String)] = [("migrations", migrated.load(ordering: .acquiring), "")]
        do {
            try await client.query("SELECT 1", logger: logger)
            results.append(("database", true, ""))
        } catch {
            results.append(("database", false, "\(String(reflecting: error).prefix(200))"))
        }
        do {
            _ = try await admin.listTopics(timeout: .seconds(2))
            results.append(("kafka", true, ""))
        } catch {
            results.append(("kafka", false, "\(error)"))
        }
        return results
    }
}
