import ArgumentParser
import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
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
    @Flag(
        help:
            "Fold a mix of every service's events (60 % booking's; outreach's activities, volunteer's staffing and hours, content's engagement) instead of booking's alone."
    )
    var mixed = false
    @Option(
        help:
            "With --mixed, fold only this service's part of the mix (booking, outreach, volunteer or content): what each stream costs on its own. Skips the totals' check."
    )
    var only: MixStream?

    /// A service's part of the mix, by its topic.
    enum MixStream: String, ExpressibleByArgument, CaseIterable {
        case booking, outreach, volunteer, content

        var topic: String {
            switch self {
            case .booking: Topics.bookingEvents.name
            case .outreach: Topics.outreachEvents.name
            case .volunteer: Topics.volunteerEvents.name
            case .content: Topics.contentEvents.name
            }
        }
    }

    func validate() throws {
        if only != nil, !mixed { throw ValidationError("--only picks a part of the mix: give --mixed too") }
    }

    func run() async throws {
        try await withBenchInfrastructure(service: "metrics") { postgres, database, cluster in try await measure(postgres, database, cluster) }
    }

    private func measure(_ postgres: BenchPostgres, _ database: DatabaseSettings, _ cluster: EmbeddedKafkaCluster) async throws {
        let quiet = Logger(label: "kepu.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        // About 50 events per session over two months of sessions; mixed, 60 % of them, and about 11 events of the
        // other services per activity for the rest.
        let firstDay = Date(timeIntervalSince1970: 1_793_462_400)
        let backlogEvents: [KafkaProducerMessage]
        var expectedBookings: Int64?
        var expectedActivities: Int64?
        if mixed {
            let mix = SyntheticProgrammeEvents(
                activities: max(1, events * 4 / 111), bookingSessions: max(1, events * 6 / 620), firstDay: firstDay, days: 61)
            if let only {
                backlogEvents = mix.events.filter { $0.topic == only.topic }
                say("only \(only.rawValue)'s \(backlogEvents.count) events: the totals are not checked")
            } else {
                backlogEvents = mix.events
                expectedBookings = mix.bookingTotals["bookings_made"] ?? 0
                expectedActivities = mix.activitiesHeld
            }
            say(
                "\(mix.events.count) events to fold: " + mix.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            )
        } else {
            let sessions = max(1, events / 50)
            let backlog = SyntheticBookingEvents(sessions: sessions, eventsPerSession: 62, firstDay: firstDay, days: 61, residents: 200_000)
            backlogEvents = backlog.events
            expectedBookings = backlog.cityTotals["bookings_made"] ?? 0
            say("\(backlog.events.count) booking events over \(sessions) sessions to fold")
        }
        let total = backlogEvents.count

        // metrics folds in big batches (as compose runs it) unless the environment says otherwise. Its consumer
        // fetches with a 1 ms wait: a broker answers a waiting fetch as soon as records arrive, but the mock brokers
        // hold a fetch that found nothing for the whole `fetch.wait.max.ms` ("not strictly correct", says their
        // source), which would put up to the services' 10 ms of the mock's own into every event's way to the fold.
        let environment = benchServiceEnvironment(
            postgres, database, cluster, defaults: ["KEPU_CONSUMER_BATCH_SIZE": "20000", "KEPU_KAFKA_PROP_FETCH_WAIT_MAX_MS": "1"])
        say("metrics' consumer: fetch.wait.max.ms=\(environment["KEPU_KAFKA_PROP_FETCH_WAIT_MAX_MS"] ?? "10 (the services' default)")")
        // Stands in for booking's outbox relay, so it is a service's producer, configured as the services' are (no
        // linger: a relay hands over whole batches).
        let producer = try KafkaProducer(
            configuration: try RuntimeConfiguration.load(service: .metrics, environment: environment).producerConfiguration(), logger: quiet)
        let definition = try MetricsService.definition(environment: environment)
        let service = runInProcess(definition, environment: environment)
        defer { service.cancel() }
        let seconds = try await postgres.withClient(database) { client -> Double in
            try await waitForMigrations(client, component: "metrics", count: definition.migrations.count, service: service)
            // Every consumer of the mix keeps its offsets with its results.
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
                    for result in await producer.send(Array(backlogEvents[sent..<next])) { _ = try result.get() }
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
            let counted =
                try await client.query(
                    "SELECT coalesce(sum(bookings_made), 0)::bigint FROM kpi_counter WHERE unit_id = 'sz' AND period_kind = 'day'"
                ).collect().first?.decode(Int64.self) ?? 0
            if let expectedBookings {
                guard counted == expectedBookings else {
                    throw BenchError("the city counts \(counted) bookings made; the backlog has \(expectedBookings)")
                }
                say("checked: the city counts the backlog's \(expectedBookings) bookings made")
            }
            if let expectedActivities {
                let held =
                    try await client.query(
                        "SELECT coalesce(sum(activities_held), 0)::bigint FROM kpi_counter WHERE unit_id = 'sz' AND period_kind = 'day'"
                    ).collect().first?.decode(Int64.self) ?? 0
                guard held == expectedActivities else {
                    throw BenchError("the city counts \(held) activities held; the backlog has \(expectedActivities)")
                }
                say("checked: the city counts the backlog's \(expectedActivities) activities held")
            }
            return seconds
        }
        let eventsPerSecond = Double(total) / seconds
        say(String(format: "full speed: %d events folded in %.2f s = %.0f events/s", total, seconds, eventsPerSecond))

        // Lag under a steady load: new sessions and their bookings at `rate` events/s, snapshots watched.
        let watcher = try SnapshotLagWatcher(bootstrap: cluster.bootstrapServers, eventPrefix: "load-")
        let watching = Task { await watcher.run() }
        defer { watching.cancel() }
        // The watcher joins its groups and passes over the backlog's snapshots; the busy interval after the backlog ends.
        try await Task.sleep(for: .seconds(7))
        // And the backlog's last snapshots go out: a load event changing a group still pending from the backlog would
        // be carried by a snapshot the watcher cannot tell from the backlog's (the mix's groups, coalesced over the
        // busy interval, took up to about ten seconds).
        let pending = try await postgres.withClient(database) { client -> Int in
            let waiting = ContinuousClock.now
            var count = 0
            repeat {
                count =
                    try await client.query("SELECT count(*)::bigint FROM kpi_counter WHERE pending_since IS NOT NULL").collect().first?.decode(
                        Int.self)
                    ?? 0
                if count > 0 { try await Task.sleep(for: .milliseconds(200)) }
            } while count > 0 && ContinuousClock.now - waiting < .seconds(60)
            return count
        }
        if pending > 0 { say("  \(pending) groups of the backlog still pending when the load starts") }
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
        try await Task.sleep(for: .seconds(3)) // the last changes wait out one coalescing interval
        let lags = watcher.lags()
        await producer.shutdown()
        say(
            String(
                format: "steady load: %d events at %d/s; per snapshot (its oldest event): %d snapshots, lag p50 %.0f ms, p99 %.0f ms",
                sent, rate, lags.perSnapshot.count, percentile(lags.perSnapshot, 0.5), percentile(lags.perSnapshot, 0.99)))
        let p99 = percentile(lags.perEvent, 0.99)
        let missedShare = lags.perEvent.isEmpty ? 0 : 100 * Double(lags.missed.count) / Double(lags.perEvent.count)
        say(
            String(
                format:
                    "  per event and unit-and-period it changes: %d pairs (%d unmatched, %d events unplaced), lag p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms",
                lags.perEvent.count, lags.unmatched, lags.unplaced, percentile(lags.perEvent, 0.5), percentile(lags.perEvent, 0.9), p99,
                lags.perEvent.max() ?? .nan))
        say(
            String(
                format:
                    "  pairs still on their way to the fold when a snapshot of their unit and period was read: %d (%.2f %%), by p50 %.0f ms, max %.0f ms",
                lags.missed.count, missedShare, percentile(lags.missed, 0.5), lags.missed.max() ?? 0))
        await postgres.stop()
        say(String(format: "events_per_s=%.0f snapshot_lag_p99_ms=%.0f", eventsPerSecond, p99))
        // The in-process service and cluster are not shut down gracefully: the process ends here.
        Foundation.exit(0)
    }
}
