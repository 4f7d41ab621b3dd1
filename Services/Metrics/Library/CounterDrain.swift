import KepuRuntime

/// Adds the counter changes the programme's consumers queued in `kpi_counter_delta` to `kpi_counter`: the one
/// writer of those rows besides booking's consumer (see `MetricsStore.write`). A `SingleReplicaTask`: one replica
/// drains at a time, round after round while there is something to take, woken by this replica's consumers'
/// commits and looking every tenth of the snapshot interval for what other replicas queued.
enum CounterDrain {
    /// Queued rows per round: a round's transaction holds the rows it adds to until it commits, and booking's
    /// consumer and the snapshot publisher wait for those.
    static let rowsPerRound = 50_000

    static func task(context: RuntimeContext, settings: MetricsSettings, wakeup: Wakeup, snapshotsWanted: Wakeup) -> SingleReplicaTask {
        SingleReplicaTask(
            name: "metrics.counters", interval: .milliseconds(max(10, settings.snapshotIntervalMilliseconds / 10)),
            client: context.client, logger: context.logger, wakeup: wakeup
        ) { (transaction: HandlerTransaction) -> SingleReplicaTask.RoundResult in
            let store = MetricsStore(connection: transaction.connection, logger: transaction.logger)
            let (changes, snapshotWanted) = try await store.drainDeltas(limit: rowsPerRound)
            if snapshotWanted { transaction.afterCommit { snapshotsWanted.signal() } }
            return .init(handled: changes)
        }
    }
}
