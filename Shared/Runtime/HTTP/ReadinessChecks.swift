import KepuKafka
import Logging
import PostgresNIO
import Synchronization

/// What `/health/ready` checks: migrations done, the database answers, the brokers answer, and every consumer of the
/// replica has been given its partitions (a replacement that waits for a dead member's session to expire consumes
/// nothing, and says so).
public final class ReadinessChecks: Sendable {
    let client: PostgresClient
    let admin: KafkaAdmin
    let logger: Logger
    private let migrated = Atomic(false)
    private let consumers = Mutex<[KafkaConsumer]>([])

    init(client: PostgresClient, admin: KafkaAdmin, logger: Logger) {
        self.client = client
        self.admin = admin
        self.logger = logger
    }

    func markMigrated() { migrated.store(true, ordering: .releasing) }

    /// A consumer whose group membership readiness waits for.
    func track(_ consumer: KafkaConsumer) { consumers.withLock { $0.append(consumer) } }

    /// Each check's name and whether it passed.
    public func run() async -> [(name: String, ok: Bool, detail: String)] {
        var results: [(String, Bool, String)] = [("migrations", migrated.load(ordering: .acquiring), "")]
        let waiting = consumers.withLock { $0.filter { !$0.hasJoinedGroup }.count }
        results.append(("consumers", waiting == 0, waiting == 0 ? "" : "\(waiting) consumers not yet given their partitions"))
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
