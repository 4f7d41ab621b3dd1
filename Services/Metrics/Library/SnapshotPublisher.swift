import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Publishes changed KPIs to `kepu.metrics.snapshots.v1`, coalesced: a key waits until its previous snapshot is at
/// least `KEPU_METRICS_SNAPSHOT_INTERVAL_MS` old, then carries every change since. Runs as a `SingleReplicaTask`
/// (one replica publishes) and emits through the outbox, so a snapshot is published once its round commits.
enum SnapshotPublisher {
    static let lockKey: Int64 = 0x6B65_7075_736E_6170  // "kepusnap"
    /// Groups (unit and period) per round; a round that fills it is followed at once by another.
    static let groupsPerRound = 2000

    static func task(context: RuntimeContext, settings: MetricsSettings) -> SingleReplicaTask {
        SingleReplicaTask(
            name: "metric snapshots", lockKey: lockKey, interval: .milliseconds(max(10, settings.snapshotIntervalMilliseconds / 4)),
            client: context.client, logger: context.logger
        ) { transaction in
            try await publishDue(in: transaction, intervalMilliseconds: settings.snapshotIntervalMilliseconds)
        }
    }

    /// Emits snapshots for the groups with pending changes whose last snapshot is old enough; returns the number of
    /// groups (0 when none was due).
    static func publishDue(in transaction: HandlerTransaction, intervalMilliseconds: Int) async throws -> Int {
        let connection = transaction.connection
        let logger = transaction.logger
        // The changed rows, and the unchanged parts of rates (a rate needs both its numerator and denominator).
        let rateInputs = Array(Set(KPI.rates.flatMap { [$0.numerator, $0.denominator] })).sorted()
        let rows = try await connection.query(
            """
            WITH due AS (
                SELECT DISTINCT unit_id, period_kind, period_key FROM kpi_counter
                WHERE pending_since IS NOT NULL AND published_at <= now() - make_interval(secs => \(Double(intervalMilliseconds) / 1000))
                LIMIT \(groupsPerRound)
            )
            SELECT c.unit_id, coalesce(u.level, 'site'), coalesce(array_to_string(u.path, '|'), c.unit_id), c.period_kind, c.period_key, c.kpi, c.value,
                   c.pending_since, (extract(epoch FROM c.changed_at) * 1000000)::bigint, now()
            FROM kpi_counter c JOIN due USING (unit_id, period_kind, period_key) LEFT JOIN metric_unit u ON u.unit_id = c.unit_id
            WHERE c.pending_since IS NOT NULL OR c.kpi = ANY(\(rateInputs)::text[])
            """, logger: logger)
        struct Group {
            var level: String
            var path: [String]
            var values = KPIValues()
            var pending: [String: Date] = [:]
        }
        var groups: [CounterGroup: Group] = [:]
        var published: [(key: CounterKey, changedAt: Int64)] = []
        var asOf = Date()
        for try await (unit, level, path, kind, periodKey, kpi, value, pendingSince, changedAt, now) in rows.decode(
            (String, String, String, String, String, String, Int64, Date?, Int64, Date).self)
        {
            guard let kind = ReportingPeriod.Kind(rawValue: kind) else { continue }
            asOf = now
            let group = CounterGroup(unitId: unit, period: ReportingPeriod(kind: kind, key: periodKey))
            var entry = groups[group] ?? Group(level: level, path: path.split(separator: "|").map(String.init))
            entry.values.counts[kpi] = value
            if let pendingSince {
                entry.pending[kpi] = pendingSince
                published.append((CounterKey(group: group, kpi: kpi), changedAt))
            }
            groups[group] = entry
        }
        guard !groups.isEmpty else { return 0 }
        for (group, entry) in groups {
            func snapshot(_ kpi: String, _ value: Double, _ numerator: Int64?, _ denominator: Int64?, pendingSince: Date?) -> MetricSnapshot {
                MetricSnapshot(
                    unitId: group.unitId, unitLevel: entry.level, unitPath: entry.path, periodKind: group.period.kind.rawValue,
                    periodKey: group.period.key, kpi: kpi, value: value, numerator: numerator, denominator: denominator, asOf: asOf,
                    pendingSince: pendingSince)
            }
            var snapshots: [MetricSnapshot] = []
            for (kpi, pendingSince) in entry.pending {
                snapshots.append(snapshot(kpi, Double(entry.values[kpi]), nil, nil, pendingSince: pendingSince))
            }
            for rate in KPI.rates {
                let parts = [entry.pending[rate.numerator], entry.pending[rate.denominator]].compactMap { $0 }
                guard let pendingSince = parts.min() else { continue }
                let (value, numerator, denominator) = entry.values.rate(rate)
                snapshots.append(snapshot(rate.name, value, numerator, denominator, pendingSince: pendingSince))
            }
            for snapshot in snapshots {
                transaction.emit(
                    OutgoingEvent(
                        topic: Topics.metricSnapshots.name, key: snapshot.key,
                        event: try CloudEvent(source: "/kepu/metrics", type: MetricEventType.snapshot, subject: snapshot.key, payload: snapshot)))
            }
        }
        // Only rows unchanged since they were read (same change time, to the microsecond) are marked published; a change committed meanwhile stays pending.
        try await connection.query(
            """
            UPDATE kpi_counter c SET pending_since = NULL, published_at = now()
            FROM unnest(\(published.map(\.key.group.unitId))::text[], \(published.map(\.key.group.period.kind.rawValue))::text[],
                        \(published.map(\.key.group.period.key))::text[], \(published.map(\.key.kpi))::text[], \(published.map(\.changedAt))::bigint[])
                 AS x(u, k, p, n, t)
            WHERE c.unit_id = x.u AND c.period_kind = x.k AND c.period_key = x.p AND c.kpi = x.n
              AND (extract(epoch FROM c.changed_at) * 1000000)::bigint = x.t
            """, logger: logger)
        return groups.count >= groupsPerRound ? groups.count : 0
    }
}
