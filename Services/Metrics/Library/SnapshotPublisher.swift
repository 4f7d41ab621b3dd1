import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Publishes changed KPIs to `kepu.metrics.snapshots.v1`, coalesced per unit and period (so per key): a group waits
/// until its previous snapshot is at least `KEPU_METRICS_SNAPSHOT_INTERVAL_MS` old, then the KPIs that changed (and
/// the rates built on them) are published with the numbers as they are (a key never published is zero). Runs as a
/// `SingleReplicaTask` (one replica publishes). Snapshots go straight to Kafka, not through the outbox: they are
/// state, not events, and a snapshot sent twice (a crash between the acknowledgement and the commit) is harmless on
/// a compacted topic, while the outbox would add two writes per snapshot to the database the fold needs. A row is
/// marked published only after Kafka acknowledged its snapshot.
enum SnapshotPublisher {
    /// Groups (unit and period) per round; a round that fills it is followed at once by another. Small, because a
    /// round holds its groups' rows until Kafka acknowledged their snapshots, and a batch folding into them waits.
    static let groupsPerRound = 250

    static func task(context: RuntimeContext, settings: MetricsSettings, foldRate: FoldRate, wakeup: Wakeup) -> SingleReplicaTask {
        // Woken when the next pending group comes due, and by this replica's fold when it gives a group with
        // nothing pending a change (a quiet key is published as soon as it changes, and a key published within
        // the interval gets its due time). The task's own interval is how soon such a change folded by another
        // replica is looked for.
        SingleReplicaTask(
            name: "metrics.snapshots", interval: .milliseconds(max(10, settings.snapshotIntervalMilliseconds / 10)),
            client: context.client, logger: context.logger, wakeup: wakeup
        ) { (transaction: HandlerTransaction) -> SingleReplicaTask.RoundResult in
            let busy = foldRate.wasBusy(within: .milliseconds(settings.busySnapshotIntervalMilliseconds))
            return try await publishDue(
                in: transaction, producer: context.producer, intervalMilliseconds: intervalMilliseconds(settings: settings, busy: busy),
                tracedCommits: context.tracedCommits)
        }
    }

    /// The coalescing interval for the next round: the configured one, or the busy one while this replica folds
    /// more events a second than `KEPU_METRICS_BUSY_EVENTS_PER_SECOND` (and for a busy interval after). Under such
    /// a load every unit's numbers change every second, a snapshot of each of them every second costs about as much
    /// as the fold itself, and the fold falling behind would delay every number; dashboards then see a key every
    /// few seconds instead.
    static func intervalMilliseconds(settings: MetricsSettings, busy: Bool) -> Int {
        busy ? max(settings.snapshotIntervalMilliseconds, settings.busySnapshotIntervalMilliseconds) : settings.snapshotIntervalMilliseconds
    }

    /// The groups (unit and period) with changes no snapshot carries yet whose last snapshot is at least the
    /// interval old at `now`, locked (skipping those a fold holds), with their counts. `pending_since IS NOT NULL`
    /// (every change sets it, a snapshot clears it) lets a round read only the pending groups, through
    /// `kpi_counter_due`, not the whole table; in the index's order, longest waiting first, which also keeps the
    /// planner on the index when the statistics are a backlog old and say most groups are pending. `now` is the
    /// service's clock, like `published_at` and the records' times: a database on another host with a clock a
    /// little off cannot shorten the interval. (Replicas' clocks are taken to be in step, as NTP keeps them; the
    /// task moves between replicas only when one stops.)
    static func dueGroups(intervalMilliseconds: Int, now: Date) -> PostgresQuery {
        """
        SELECT g.unit_id, g.period_kind, g.period_key, g.version, g.pending_since, coalesce(u.level, 'site'),
               coalesce(array_to_string(u.path, '|'), g.unit_id), g.changed,
               \(unescaped: KPI.counts.map { "g.\($0)" }.joined(separator: ", "))
        FROM kpi_counter g LEFT JOIN metric_unit u ON u.unit_id = g.unit_id
        WHERE g.pending_since IS NOT NULL AND g.version > g.published_version
          AND g.published_at <= \(now) - make_interval(secs => \(Double(intervalMilliseconds) / 1000))
        ORDER BY g.published_at
        LIMIT \(groupsPerRound)
        FOR UPDATE OF g SKIP LOCKED
        """
    }

    /// When the earliest pending group was last published (nil: nothing pending). Through `kpi_counter_due`.
    static let earliestPending: PostgresQuery = "SELECT min(published_at) FROM kpi_counter WHERE pending_since IS NOT NULL"

    /// Publishes the changed KPIs of the groups (unit and period) that changed since their last snapshot and whose
    /// last snapshot is old enough. Handled: the number of groups when a round was full (0 otherwise); due: when
    /// the next pending group may be published, so a key that keeps changing is published every interval on the
    /// dot, not up to a polling period later.
    ///
    /// With tracing on, a round continues the trace of the latest traced fold batch of the last ten seconds and
    /// links the others (`TracedCommits`): its snapshots carry that round's span.
    static func publishDue(
        in transaction: HandlerTransaction, producer: KafkaProducer, intervalMilliseconds: Int, tracedCommits: TracedCommits? = nil
    ) async throws -> SingleReplicaTask.RoundResult {
        let connection = transaction.connection
        let logger = transaction.logger
        struct Due {
            let group: CounterGroup
            let version: Int64
            let pendingSince: Date?
            let level: String
            let path: [String]
            let changed: Set<KPI>
            let values: KPIValues
        }
        var due: [CounterGroup: Due] = [:]
        // The numbers' as-of time: just before they are read.
        let asOf = Date()
        let rows = try await connection.query(dueGroups(intervalMilliseconds: intervalMilliseconds, now: asOf), logger: logger)
        for try await row in rows {
            let columns = row.makeRandomAccess()
            guard let kind = ReportingPeriod.Kind(rawValue: try columns[1].decode(String.self)) else { continue }
            let group = CounterGroup(
                unitId: try columns[0].decode(String.self), period: ReportingPeriod(kind: kind, key: try columns[2].decode(String.self)))
            due[group] = Due(
                group: group, version: try columns[3].decode(Int64.self), pendingSince: try columns[4].decode(Date?.self),
                level: try columns[5].decode(String.self), path: try columns[6].decode(String.self).split(separator: "|").map(String.init),
                // Only the counts that changed, a group's first snapshot too: a new group's row starts at zero, so that
                // is every count it has (a site's day of activities has no bookings; 60 zeros would be 60 records).
                changed: KPI.changed(in: try columns[7].decode(Int64.self)),
                values: try KPIValues(row: columns, from: 8))
        }
        guard !due.isEmpty else {
            return try await nextDue(handled: 0, connection: connection, logger: logger, intervalMilliseconds: intervalMilliseconds)
        }
        let publishedAt = try await BusTracing.continuing(tracedCommits?.recent() ?? [], operation: "send \(Topics.metricSnapshots.name)") {
            trace in
            // Every record of the round carries the same time, in whole milliseconds, and the groups are marked
            // published at exactly that time: two snapshots of a key are then at least the interval apart by their
            // record times, which is what a dashboard sees.
            let publishedAt = Date().wholeMillisecondsSince1970
            var messages: [KafkaProducerMessage] = []
            for entry in due.values {
                var snapshots: [MetricSnapshot] = []
                func add(_ kpi: String, _ value: Double, _ numerator: Int64? = nil, _ denominator: Int64? = nil) {
                    snapshots.append(
                        MetricSnapshot(
                            unitId: entry.group.unitId, unitLevel: entry.level, unitPath: entry.path, periodKind: entry.group.period.kind.rawValue,
                            periodKey: entry.group.period.key, kpi: kpi, value: value, numerator: numerator, denominator: denominator, asOf: asOf,
                            pendingSince: entry.pendingSince))
                }
                for kpi in KPI.counts where entry.changed.contains(kpi) { add(kpi.rawValue, Double(entry.values[kpi])) }
                for rate in KPI.rates where entry.changed.contains(rate.numerator) || entry.changed.contains(rate.denominator) {
                    let (value, numerator, denominator) = entry.values.rate(rate)
                    add(rate.name, value, numerator, denominator)
                }
                for snapshot in snapshots {
                    // The id names the key and the group's version: the same numbers published twice (a crash before
                    // the commit) carry the same id, and no random id is drawn per snapshot.
                    let event = CloudEvent(
                        id: "\(snapshot.key)@\(entry.version)", source: ServiceName.metrics.eventSource, type: MetricEventType.snapshot, time: asOf,
                        subject: snapshot.key,
                        dataContentType: "application/json", data: snapshot.jsonBytes, traceParent: trace?.traceParent, traceState: trace?.traceState)
                    var message = event.kafkaMessage(topic: Topics.metricSnapshots.name, key: snapshot.key)
                    message.timestamp = publishedAt
                    messages.append(message)
                }
            }
            for result in await producer.send(messages) { _ = try result.get() }
            return publishedAt
        }
        // The groups' rows are locked since they were read (a batch folding into one of them waits, one in the
        // middle of its transaction was skipped), so what was read is exactly what was published. A row is marked
        // only after Kafka's acknowledgement.
        let published = Array(due.values)
        try await connection.query(
            """
            UPDATE kpi_counter g SET published_version = x.v, published_at = to_timestamp(\(publishedAt) / 1000.0), pending_since = NULL, changed = 0
            FROM unnest(\(published.map(\.group.unitId))::text[], \(published.map(\.group.period.kind.rawValue))::text[],
                        \(published.map(\.group.period.key))::text[], \(published.map(\.version))::bigint[]) AS x(u, k, p, v)
            WHERE g.unit_id = x.u AND g.period_kind = x.k AND g.period_key = x.p
            """, logger: logger)
        return try await nextDue(
            handled: due.count >= groupsPerRound ? due.count : 0, connection: connection, logger: logger, intervalMilliseconds: intervalMilliseconds)
    }

    /// The round's result with when the earliest pending group comes due, so a key that keeps changing is published
    /// every interval on the dot rather than up to a polling period later. One due already (a fold held its row)
    /// is looked at again after a thousandth of the interval (1 ms by default, 5 ms in busy mode), not at once:
    /// asking while the fold still holds it is wasted.
    static func nextDue(handled: Int, connection: PostgresConnection, logger: Logger, intervalMilliseconds: Int) async throws
        -> SingleReplicaTask.RoundResult
    {
        // After a full round the task runs another at once: no due time is needed.
        guard handled == 0 else { return .init(handled: handled) }
        guard let earliest = try await connection.query(earliestPending, logger: logger).collect().first?.decode(Date?.self) else {
            return .init(handled: handled)
        }
        let dueIn = earliest.addingTimeInterval(Double(intervalMilliseconds) / 1000).timeIntervalSinceNow
        let retry = Double(max(1, intervalMilliseconds / 1000)) / 1000
        return .init(handled: handled, nextDue: .now + .microseconds(Int64(max(retry, dueIn) * 1_000_000)))
    }
}
