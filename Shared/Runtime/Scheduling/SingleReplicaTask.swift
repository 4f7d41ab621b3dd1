import Logging
import PostgresNIO
import ServiceLifecycle

/// Timed work that exactly one replica does at a time (sweeps, cutoffs): every round runs in one transaction that
/// first takes a transaction-level advisory lock; a replica that does not get it skips the round. Events the
/// round emits go to the outbox in the same transaction. Rounds repeat while they report work done, then the
/// task sleeps for `interval`, or less when the last round said when its next work comes due or its `Wakeup` is
/// signalled.
public struct SingleReplicaTask: Service {
    public typealias Round = @Sendable (HandlerTransaction) async throws -> Int
    public typealias ScheduledRound = @Sendable (HandlerTransaction) async throws -> RoundResult

    /// What a round did, and when the work it knows of comes due.
    public struct RoundResult: Sendable, Hashable {
        /// How many items it handled; more than 0 runs another round at once.
        public var handled: Int
        /// When the next work the round saw is due: the task wakes then, if that is sooner than `interval` after
        /// the round. An instant, not a delay, so the round's commit does not make the wake late. Nil: nothing
        /// known; the task sleeps `interval`.
        public var nextDue: ContinuousClock.Instant?

        public init(handled: Int, nextDue: ContinuousClock.Instant? = nil) {
            self.handled = handled
            self.nextDue = nextDue
        }
    }

    /// Names the work, and its advisory lock (`AdvisoryLock.key(named:)`): unique within the service.
    public let name: String
    public let lockKey: Int64
    public let interval: Duration
    let client: PostgresClient
    let logger: Logger
    let round: ScheduledRound
    /// Ends a sleep early: work arrived that the task would otherwise find only at its next interval.
    let wakeup: Wakeup?

    /// - Parameters:
    ///   - name: the work's name; every replica's copy of the task takes the advisory lock named by it.
    ///   - round: does one bounded piece of work; returns how many items it handled (0 = nothing left).
    public init(name: String, interval: Duration, client: PostgresClient, logger: Logger, round: @escaping Round) {
        self.init(name: name, interval: interval, client: client, logger: logger, scheduledRound: { RoundResult(handled: try await round($0)) })
    }

    /// A task whose rounds know when their next work is due (a key that may be published again at a given time):
    /// it wakes then rather than at its next `interval`, which is then only how often it looks for new work. A
    /// `wakeup` signalled by whoever makes new work (in this process) runs a round at once; the interval still
    /// finds work made elsewhere (another replica).
    public init(
        name: String, interval: Duration, client: PostgresClient, logger: Logger, wakeup: Wakeup? = nil, scheduledRound: @escaping ScheduledRound
    ) {
        self.name = name
        self.lockKey = AdvisoryLock.key(named: name)
        self.interval = interval
        self.client = client
        self.logger = logger
        self.wakeup = wakeup
        self.round = scheduledRound
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var wake = ContinuousClock.now + interval
                do {
                    while !Task.isCancelled {
                        let result = try await runRound()
                        wake = min(ContinuousClock.now + interval, result.nextDue ?? .now + interval)
                        if result.handled == 0 { break }
                    }
                } catch {
                    logger.warning("\(name) failed; will retry", metadata: ["error": "\(error)"])
                    wake = .now + interval
                }
                if let wakeup { await wakeup.sleep(until: wake) } else { try? await Task.sleep(until: wake) }
            }
        }
    }

    /// One round; 0 when another replica holds the lock or there was nothing to do.
    public func runOnce() async throws -> Int {
        try await runRound().handled
    }

    /// One round; nothing handled and nothing due when another replica holds the lock.
    func runRound() async throws -> RoundResult {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let locked =
                try await transaction.connection.query("SELECT pg_try_advisory_xact_lock(\(lockKey))", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
            guard locked else { return RoundResult(handled: 0) }
            let result = try await round(transaction)
            if result.handled > 0 { logger.info("\(name) round", metadata: ["handled": "\(result.handled)"]) }
            return result
        }
    }
}
