import ArgumentParser
import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import KepuTestSupport
import Logging
import MetricsService
import PostgresNIO
import Synchronization

/// Booking events folded by the metrics service (in this process, on the runtime as deployed) into PostgreSQL: a
/// backlog of `--events` booking events at full speed, then a steady load like the demo's while the snapshot
/// topic is watched for lag (event published → the snapshot carrying it published). Prints, last,
/// `events_per_s=<..> snapshot_lag_p99_ms=<..>`.
struct MetricsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Booking events/s folded into KPIs, and snapshot lag under a steady load.")

    @Option(help: "Booking events in the full-speed backlog.") var events = 1_000_000
    @Option(help: "Booking events per second during the lag run (the demo at --rate 20 sends about 40).") var rate = 100
    @Option(help: "Seconds of the lag run.") var lagSeconds = 15

    func run() async throws {
        try await withBenchInfrastructure(service: "metrics") { postgres, database, cluster in try await measure(postgres, database, cluster) }
    }

    private func measure(_ postgres: BenchPostgres, _ database: DatabaseSettings, _ cluster: EmbeddedKafkaCluster) async throws {
        let quiet = Logger(label: "kepu.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        // About 50 events per session over two months of sessions.
        let sessions = max(1, events / 50)
        let backlog = SyntheticBookingEvents(sessions: sessions, eventsPerSession: 62, firstDay: Date(timeIntervalSince1970: 1_793_462_400), days: 61, residents: 200_000)
        let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers), logger: quiet)
        let total = backlog.events.count
        say("\(total) booking events over \(sessions) sessions to fold")

        // metrics folds in big batches (as compose runs it) unless the environment says otherwise.
        let environment = benchServiceEnvironment(postgres, database, cluster, defaults: ["KEPU_CONSUMER_BATCH_SIZE": "20000"])
        let definition = try MetricsService.definition(environment: environment)
        let service = runInProcess(definition, environment: environment)
        defer { service.cancel() }
        let seconds = try await postgres.withClient(database) { client -> Double in
            try await waitForMigrations(client, component: "metrics", count: definition.migrations.count, service: service)
            func folded() async throws -> Int {
                try await client.query("SELECT coalesce(sum(next_offset), 0)::bigint FROM consumer_offsets").collect().first?.decode(Int.self) ?? 0
            }
            // Published while the service folds, never more than `ahead` records in front of it: librdkafka's mock
            // brokers keep only about 5 MB per partition and drop older records.
            let ahead = 60_000
            let chunk = 10_000
            var started: ContinuousClock.Instant?
            var sent = 0
            var done = 0
            var lastReport = ContinuousClock.now
            while done < total {
                if sent < total, sent - done < ahead {
                    let next = min(total, sent + chunk)
                    for result in await producer.send(Array(backlog.events[sent..<next])) { _ = try result.get() }
                    sent = next
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
                done = try await folded()
                // From the first folded batch to the last: the group join is not the fold's cost.
                if started == nil, done > 0 { started = .now }
                if ContinuousClock.now - lastReport > .seconds(10) {
                    say("  folded \(done) of \(total)")
                    lastReport = .now
                }
            }
            let seconds = ((started ?? .now).duration(to: .now)).seconds
            // Nothing was lost on the way (a record the mock brokers dropped would be missing here).
            let counted = try await client.query(
                "SELECT coalesce(sum(bookings_made), 0)::bigint FROM kpi_counter WHERE unit_id = 'sz' AND period_kind = 'day'"
            ).collect().first?.decode(Int64.self) ?? 0
            let expected = backlog.cityTotals["bookings_made"] ?? 0
            guard counted == expected else { throw BenchError("the city counts \(counted) bookings made; the backlog has \(expected)") }
            say("checked: the city counts the backlog's \(expected) bookings made")
            return seconds
        }
        let eventsPerSecond = Double(total) / seconds
        say(String(format: "full speed: %d events folded in %.2f s = %.0f events/s", total, seconds, eventsPerSecond))

        // Lag under a steady load: new sessions and their bookings at `rate` events/s, snapshots watched.
        let watcher = try SnapshotLagWatcher(bootstrap: cluster.bootstrapServers)
        let watching = Task { await watcher.run() }
        defer { watching.cancel() }
        try await Task.sleep(for: .seconds(5))  // the watcher joins its group and reads the backlog's snapshots
        let load = SyntheticBookingEvents(
            sessions: max(1, rate * lagSeconds / 50), eventsPerSession: 62, firstDay: Date(), days: 30, residents: 20_000, seed: 7, prefix: "load")
        let loadStart = Date()
        watcher.start(at: loadStart)
        let clock = ContinuousClock()
        let begin = clock.now
        var sent = 0
        var tick = 0
        while sent < load.events.count {
            tick += 1
            let due = min(load.events.count, Int(Double(rate) * Double(tick) / 100))
            if due > sent {
                let messages = Array(load.events[sent..<due])
                Task { _ = await producer.send(messages) }
                sent = due
            }
            let next = begin + .milliseconds(tick * 10)
            if next > clock.now { try await Task.sleep(until: next) }
        }
        try await Task.sleep(for: .seconds(3))  // the last changes wait out one coalescing interval
        let lags = watcher.lags()
        await producer.shutdown()
        let p50 = percentile(lags, 0.50)
        let p99 = percentile(lags, 0.99)
        say(String(format: "steady load: %d events at %d/s; %d snapshots, lag p50 %.0f ms, p99 %.0f ms", sent, rate, lags.count, p50, p99))
        await postgres.stop()
        say(String(format: "events_per_s=%.0f snapshot_lag_p99_ms=%.0f", eventsPerSecond, p99))
        // The in-process service and cluster are not shut down gracefully: the process ends here.
        Foundation.exit(0)
    }
}

/// Reads `kepu.metrics.snapshots.v1` and, for snapshots of changes made after the load started, the time from the
/// oldest event they carry being published (`pendingSince`) to the snapshot being published (its record time).
final class SnapshotLagWatcher: Sendable {
    private let consumer: KafkaConsumer
    private let state = Mutex<(since: Date?, lags: [Double])>((nil, []))

    init(bootstrap: String) throws {
        consumer = try KafkaConsumer(configuration: .consumer(bootstrapServers: bootstrap, groupID: "bench-snapshots-\(UUID())"))
        try consumer.subscribe(topics: [Topics.metricSnapshots.name])
    }

    func start(at date: Date) { state.withLock { $0.since = date } }
    func lags() -> [Double] { state.withLock { $0.lags } }

    func run() async {
        while !Task.isCancelled {
            guard let batch = try? await consumer.poll(maxMessages: 5000, maxWait: .milliseconds(50)) else { return }
            for message in batch.messages {
                guard let published = message.timestamp, let event = try? CloudEvent(kafkaMessage: message),
                    let snapshot = try? event.decodeData(as: MetricSnapshot.self), let pending = snapshot.pendingSince
                else { continue }
                state.withLock { state in
                    guard let since = state.since, pending >= since else { return }
                    state.lags.append(Double(published) - pending.timeIntervalSince1970 * 1000)
                }
            }
        }
        await consumer.close()
    }
}
