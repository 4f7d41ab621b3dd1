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
    /// The last failure detail logged per check: a probe every few seconds logs a failure once, not every time.
    private let lastLogged = Mutex<[String: String]>([:])

    init(client: PostgresClient, admin: KafkaAdmin, logger: Logger) {
        self.client = client
        self.admin = admin
        self.logger = logger
    }

    func markMigrated() { migrated.store(true, ordering: .releasing) }

    /// A consumer whose group membership readiness waits for.
    func track(_ consumer: KafkaConsumer) { consumers.withLock { $0.append(consumer) } }

    /// Logs each check whose outcome changed since the last call: a failure with its detail (for operators only),
    /// a recovery once.
    func logChanges(_ checks: [(name: String, ok: Bool, detail: String)]) {
        for check in checks {
            let detail = check.ok ? "" : check.detail
            let previous = lastLogged.withLock { logged in
                defer { logged[check.name] = detail }
                return logged[check.name]
            }
            guard previous != detail else { continue }
            if check.ok {
                if previous != nil { logger.info("readiness check passes again", metadata: ["check": "\(check.name)"]) }
            } else {
                logger.warning("readiness check failing", metadata: ["check": "\(check.name)", "detail": "\(detail)"])
            }
        }
    }

    /// Each check's name and whether it passed (`detail` says why not, for the log only).
    public func run() async -> [(name: String, ok: Bool, detail: String)] {
        var results: [(String, Bool, String)] = [("migrations", migrated.load(ordering: .acquiring), "")]
        let waiting = consumers.withLock { $0.filter { !$0.hasJoinedGroup }.count }
        results.append(("consumers", waiting == 0, waiting == 0 ? "" : "\(waiting) consumers not yet given their partitions"))
        // Bounded like the Kafka check: a pool that cannot connect would otherwise hold the probe until its own
        // circuit breaker trips, a minute later, and the probe would time out instead of answering.
        let client = client
        let logger = logger
        let database = await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await client.query("SELECT 1", logger: logger)
                    return nil
                } catch {
                    return "\(String(reflecting: error).prefix(200))"
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(2))
                return "no answer within 2 s"
            }
            let first = await group.next() ?? "no answer"
            group.cancelAll()
            return first
        }
        results.append(("database", database == nil, database ?? ""))
        do {
            _ = try await admin.listTopics(timeout: .seconds(2))
            results.append(("kafka", true, ""))
        } catch {
            results.append(("kafka", false, "\(error)"))
        }
        return results
    }
}
