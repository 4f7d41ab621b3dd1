import Logging
import PostgresNIO
import ServiceLifecycle

/// Timed work that exactly one replica does at a time (sweeps, cutoffs): every round runs in one transaction that
/// first takes a transaction-level advisory lock; a replica that does not get it skips the round. Events the
/// round emits go to the outbox in the same transaction. Rounds repeat while they report work done, then the
/// task sleeps for `interval`.
public struct SingleReplicaTask: Service {
    public typealias Round = @Sendable (HandlerTransaction) async throws -> Int

    public let name: String
    public let lockKey: Int64
    public let interval: Duration
    let client: PostgresClient
    let logger: Logger
    let round: Round

    /// - Parameters:
    ///   - lockKey: the advisory lock shared by every replica's copy of this task (one per kind of work).
    ///   - round: does one bounded piece of work; returns how many items it handled (0 = nothing left).
    public init(name: String, lockKey: Int64, interval: Duration, client: PostgresClient, logger: Logger, round: @escaping Round) {
        self.name = name
        self.lockKey = lockKey
        self.interval = interval
        self.client = client
        self.logger = logger
        self.round = round
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    while try await runOnce() > 0, !Task.isCancelled {}
                } catch {
                    logger.warning("\(name) failed; will retry", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One round; 0 when another replica holds the lock or there was nothing to do.
    public func runOnce() async throws -> Int {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let locked = try await transaction.connection.query("SELECT pg_try_advisory_xact_lock(\(lockKey))", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
            guard locked else { return 0 }
            let handled = try await round(transaction)
            if handled > 0 { logger.info("\(name) round", metadata: ["handled": "\(handled)"]) }
            return handled
        }
    }
}
