import ArgumentParser
import CKafkaBaseline
import ContentSupplyService
import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import Logging
import PostgresNIO

/// Engagement events folded by content-supply (in this process, on the runtime as deployed): a backlog of
/// `--events` views, completions and shares on the engagement topic, read first by a plain librdkafka consumer (the
/// baseline: the same records, nothing done with them), then folded end to end (consumed → committed in
/// content-supply's database with their offsets). Checks every event counted, and measures distinct visitors
/// against the exact count per work, site and day. Prints, last, `events_per_s=<..> baseline_ratio=<..>
/// reach_error_pct=<..>`.
struct ContentBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "content", abstract: "Engagement events/s folded per work, site and day, beside a raw librdkafka consume.")

    // The mock brokers keep about 5 MB per partition: 200,000 records of ~450 bytes over 24 partitions fit.
    @Option(help: "Engagement events in the backlog.") var events = 200_000
    @Option(help: "Works (each at every site).") var works = 20
    @Option(help: "Sites.") var sites = 10
    @Option(help: "Distinct visitors in the pool events are drawn from.") var visitors = 150_000

    func run() async throws {
        try await withBenchInfrastructure(service: "content") { postgres, database, cluster in try await measure(postgres, database, cluster) }
    }

    private func measure(_ postgres: BenchPostgres, _ database: DatabaseSettings, _ cluster: EmbeddedKafkaCluster) async throws {
        let quiet = Logger(label: "kepu.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let topic = Topics.contentEngagement.name
        // Visitors and works drawn unevenly (a few popular works, some visitors back often), all on one day.
        var generator = SplitMix(seed: 26)
        var exact: [String: Set<Int>] = [:]
        let at = Date()
        var messages: [KafkaProducerMessage] = []
        messages.reserveCapacity(events)
        let hashes = (0..<visitors).map(visitorHash)
        for _ in 0..<events {
            let work = "w\(min(works - 1, Int(Double(works) * pow(Double.random(in: 0..<1, using: &generator), 2))))"
            let site = "s\(Int.random(in: 0..<sites, using: &generator))"
            let visitor = Int(Double(visitors) * pow(Double.random(in: 0..<1, using: &generator), 1.5))
            let roll = Int.random(in: 0..<10, using: &generator)
            let action = roll < 7 ? "view" : (roll < 9 ? "completion" : "share")
            exact["\(work)|\(site)", default: []].insert(visitor)
            let json =
                #"{"workId":"\#(work)","siteId":"\#(site)","visitorHash":"\#(hashes[visitor])","action":"\#(action)","occurredAt":"\#(RFC3339.format(at))"}"#
            messages.append(
                CloudEvent(source: "/frontend/kepu-app", type: ContentEngagementType.workEngaged, data: Array(json.utf8))
                    .kafkaMessage(topic: topic, key: hashes[visitor]))
        }
        say("\(events) engagement events, \(exact.count) work-site pairs, \(exact.values.reduce(0) { $0 + $1.count }) visitor-pairs")
        let environment = benchServiceEnvironment(
            postgres, database, cluster,
            defaults: [
                "KEPU_KAFKA_PROP_FETCH_WAIT_MAX_MS": "1",
                // The bench's visitors come back often in the same minute: the rate is not what is measured.
                "KEPU_CONTENT_VISITOR_EVENTS_PER_MINUTE": "100000",
            ])
        // Stands in for the frontends' engagement producer, which batches (lingers) like any high-volume producer.
        // Bigger record batches also keep the mock brokers cheap: they answer a fetch with one batch per partition and
        // find it by walking the partition's list of batches, so small batches cost them quadratic time, a broker's
        // offset index does not.
        var producerConfiguration = try RuntimeConfiguration.load(service: .contentSupply, environment: environment).producerConfiguration()
        producerConfiguration["linger.ms"] = "100"
        producerConfiguration["batch.num.messages"] = "100000"
        let producer = try KafkaProducer(configuration: producerConfiguration, logger: quiet)
        for start in stride(from: 0, to: messages.count, by: 20_000) {
            for result in await producer.send(Array(messages[start..<min(messages.count, start + 20_000)])) { _ = try result.get() }
        }
        await producer.shutdown()

        // The baseline: a plain C consumer reads the same records and does nothing with them.
        var errbuf = [CChar](repeating: 0, count: 512)
        guard let baseline = kepu_c_consumer_new(cluster.bootstrapServers, topic, "bench-content-baseline", 20_000, &errbuf, errbuf.count) else {
            throw BenchError("C consumer: \(String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
        var baselineSeconds = 0.0
        let consumed = kepu_c_consumer_run(baseline, Int64(events), &baselineSeconds)
        kepu_c_consumer_destroy(baseline)
        guard consumed == events else {
            throw BenchError("the baseline consumer read \(consumed) of \(events) records (the mock brokers dropped some?)")
        }
        let baselineRate = Double(events) / baselineSeconds
        say(String(format: "baseline: librdkafka consumed %d records in %.2f s = %.0f/s", events, baselineSeconds, baselineRate))

        let definition = try ContentSupplyService.definition(environment: environment)
        let service = runInProcess(definition, environment: environment)
        defer { service.cancel() }
        let (seconds, errors) = try await postgres.withClient(database) { client -> (Double, [Double]) in
            try await waitForMigrations(client, component: "content-supply", count: definition.migrations.count, service: service)
            var started: ContinuousClock.Instant?
            var cpuAtStart = 0.0
            var done = 0
            while done < events {
                try await Task.sleep(for: .milliseconds(5))
                done =
                    try await client.query(
                        "SELECT coalesce(sum(next_offset), 0)::bigint FROM consumer_offsets WHERE topic = \(topic)"
                    ).collect().first?.decode(Int.self) ?? 0
                // From the first folded batch to the last: the group join is not the fold's cost.
                if started == nil, done > 0 {
                    started = .now
                    cpuAtStart = processCPUSeconds()
                }
            }
            let seconds = ((started ?? .now).duration(to: .now)).seconds
            say(
                String(
                    format: "CPU in this process (content-supply and the embedded brokers) while folding: %.2f s over %.2f s",
                    processCPUSeconds() - cpuAtStart,
                    seconds))
            let counted =
                try await client.query("SELECT coalesce(sum(views + completions + shares), 0)::bigint FROM engagement_day").collect().first?
                .decode(Int.self) ?? 0
            guard counted == events else { throw BenchError("content-supply counts \(counted) events; the backlog has \(events)") }
            say("checked: every one of the \(events) events counted once")
            var errors: [Double] = []
            for try await (work, site, estimate) in try await client.query("SELECT work_id, site_id, distinct_visitors FROM engagement_day").decode(
                (String, String, Int).self)
            {
                let truth = exact["\(work)|\(site)"]?.count ?? 0
                if truth > 0 { errors.append(100 * abs(Double(estimate - truth)) / Double(truth)) }
            }
            return (seconds, errors)
        }
        let rate = Double(events) / seconds
        let meanError = errors.reduce(0, +) / Double(max(1, errors.count))
        say(String(format: "fold: %d events in %.2f s = %.0f events/s (%.2f of the baseline)", events, seconds, rate, rate / baselineRate))
        say(String(format: "distinct visitors over %d work-site-days: mean error %.2f %%, max %.2f %%", errors.count, meanError, errors.max() ?? 0))
        await postgres.stop()
        say(String(format: "events_per_s=%.0f baseline_ratio=%.3f reach_error_pct=%.2f", rate, rate / baselineRate, meanError))
        Foundation.exit(0)
    }
}
