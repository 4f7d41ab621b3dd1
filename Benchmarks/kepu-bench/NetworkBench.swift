import ArgumentParser
import Foundation
import KepuContracts
import KepuDomain
import KepuKafkaEmbedded
import KepuRuntime
import KepuTooling
import Logging
import PostgresNIO

/// The registry end to end with the real executables (outreach-events, booking and metrics, built beside this
/// one): a registry of `--entries` units and sites imported through outreach-events' admin API, timed until
/// booking has every site as a venue and metrics every unit and site (`units_per_s`); then single changes at
/// `--rate` per second, each timed until both followers have it (`propagation_p99_ms`). The baseline is the
/// same rows written into one PostgreSQL table with one statement. Prints, last,
/// `units_per_s=<..> propagation_p99_ms=<..>`.
struct NetworkBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network", abstract: "Registry import until booking and metrics have it, and single changes end to end.")

    @Option(help: "Units and sites in the imported registry.") var entries = 20_000
    @Option(help: "Single changes per second in the propagation run.") var rate = 50
    @Option(help: "Seconds of the propagation run.") var seconds = 10

    func run() async throws {
        try await withBenchInfrastructure(service: "outreach_events") { postgres, database, cluster in
            try await measure(postgres, database, cluster)
        }
    }

    private func measure(_ postgres: BenchPostgres, _ outreachDatabase: DatabaseSettings, _ cluster: EmbeddedKafkaCluster) async throws {
        let databases = [
            ServiceName.outreachEvents: outreachDatabase, .booking: try await postgres.createDatabase("kepu_bench_booking"),
            .metrics: try await postgres.createDatabase("kepu_bench_metrics"),
        ]
        let (children, ports) = try await startServiceExecutables(
            [.outreachEvents, .booking, .metrics], postgres: postgres, databases: databases, cluster: cluster)
        defer { for child in children { child.signal(SIGKILL) } }
        say("outreach-events, booking and metrics are ready")
        let registry = SyntheticRegistry(entries: entries)
        say("registry: \(registry.units) units and \(registry.sites) sites, \(registry.csv.utf8.count / 1024) KB of CSV")

        let headers = ["Authorization": "Bearer bench-admin-token-0123456789", "Content-Type": "text/csv"]
        let outreachPort = ports[.outreachEvents] ?? 0
        let started = ContinuousClock.now
        guard
            let answer = await httpRequest(
                port: outreachPort, method: "POST", path: "/admin/network/import", headers: headers, body: registry.csv, timeout: .seconds(300)),
            answer.status == 200
        else { throw BenchError("the import was refused") }
        let imported = started.duration(to: .now).seconds
        try await postgres.withClient(databases[.booking] ?? outreachDatabase) { booking in
            try await postgres.withClient(databases[.metrics] ?? outreachDatabase) { metrics in
                let deadline = ContinuousClock.now + .seconds(600)
                while true {
                    let venues = try await booking.query("SELECT count(*)::int FROM venue WHERE in_registry").collect().first?.decode(Int.self) ?? 0
                    let units =
                        try await metrics.query("SELECT count(*)::int FROM metric_unit WHERE in_registry").collect().first?.decode(Int.self) ?? 0
                    if venues == registry.sites && units == registry.units + registry.sites { break }
                    guard ContinuousClock.now < deadline else { throw BenchError("followers stuck at \(venues) venues, \(units) units") }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        let total = started.duration(to: .now).seconds
        let unitsPerSecond = Double(entries) / total
        say(
            String(
                format: "import: answered in %.2f s; booking and metrics had all %d entries after %.2f s = %.0f units/s", imported, entries, total,
                unitsPerSecond))

        // Single changes: each renames a different site; timed until booking's venue and metrics' unit carry the name.
        let changes = rate * seconds
        var sentAt: [String: ContinuousClock.Instant] = [:]
        var seenBooking: [String: ContinuousClock.Instant] = [:]
        var seenMetrics: [String: ContinuousClock.Instant] = [:]
        let sites = registry.siteRows.prefix(changes)
        try await postgres.withClient(databases[.booking] ?? outreachDatabase) { booking in
            try await postgres.withClient(databases[.metrics] ?? outreachDatabase) { metrics in
                let json = ["Authorization": "Bearer bench-admin-token-0123456789", "Content-Type": "application/json"]
                let begin = ContinuousClock.now
                var next = 0
                let poller = Task {
                    var booked: [String: ContinuousClock.Instant] = [:]
                    var metered: [String: ContinuousClock.Instant] = [:]
                    while booked.count < changes || metered.count < changes {
                        for try await name in try await booking.query("SELECT name FROM venue WHERE name LIKE 'bench-%'").decode(String.self)
                        where booked[name] == nil { booked[name] = .now }
                        for try await name in try await metrics.query("SELECT name FROM metric_unit WHERE name LIKE 'bench-%'").decode(String.self)
                        where metered[name] == nil { metered[name] = .now }
                        try await Task.sleep(for: .milliseconds(5))
                        if Task.isCancelled { break }
                    }
                    return (booked, metered)
                }
                for site in sites {
                    let due = begin + .milliseconds(next * 1000 / rate)
                    if due > .now { try await Task.sleep(until: due) }
                    let name = "bench-\(next)"
                    sentAt[name] = .now
                    let body = #"{"kind":"\#(site.kind)","name":"\#(name)","unitId":"\#(site.unit)"}"#
                    Task {
                        _ = await httpRequest(port: outreachPort, method: "PUT", path: "/admin/network/sites/\(site.id)", headers: json, body: body)
                    }
                    next += 1
                }
                let watchdog = Task {
                    try await Task.sleep(for: .seconds(120))
                    poller.cancel()
                }
                (seenBooking, seenMetrics) = try await poller.value
                watchdog.cancel()
            }
        }
        var latencies: [Double] = []
        for (name, sent) in sentAt {
            guard let booked = seenBooking[name], let metered = seenMetrics[name] else { throw BenchError("\(name) never reached both followers") }
            latencies.append(sent.duration(to: max(booked, metered)).seconds * 1000)
        }
        let p50 = percentile(latencies, 0.5)
        let p99 = percentile(latencies, 0.99)
        say(
            String(
                format: "propagation of %d single changes at %d/s: p50 %.0f ms, p99 %.0f ms (includes up to 5 ms of polling)", changes, rate, p50, p99
            ))

        // Baseline: the same rows into one table with one statement.
        let baseline = try await postgres.withClient(outreachDatabase) { client -> Double in
            try await client.query("CREATE TABLE bench_registry (id text PRIMARY KEY, kind text NOT NULL, parent text, name text NOT NULL)")
            let rows = registry.allRows
            let start = ContinuousClock.now
            try await client.query(
                """
                INSERT INTO bench_registry SELECT * FROM unnest(\(rows.map(\.id))::text[], \(rows.map(\.kind))::text[], \(rows.map(\.parent))::text[],
                                                                \(rows.map(\.name))::text[])
                """)
            return Double(rows.count) / start.duration(to: .now).seconds
        }
        say(String(format: "baseline: the same %d rows into one PostgreSQL table in one statement: %.0f rows/s", entries, baseline))
        say(
            String(
                format: "units_per_s=%.0f baseline_rows_per_s=%.0f baseline_ratio=%.3f propagation_p50_ms=%.0f", unitsPerSecond, baseline,
                unitsPerSecond / baseline, p50))
        say(String(format: "units_per_s=%.0f propagation_p99_ms=%.0f", unitsPerSecond, p99))
    }
}

/// A registry of a given size shaped like a city's: districts of streets of communities, a center per district,
/// an institute per street, a station per community, and practice points and bases to make up the rest.
struct SyntheticRegistry {
    struct Row {
        let kind: String
        let id: String
        let parent: String
        let name: String
        var unit: String { parent }
    }

    let allRows: [Row]
    var units: Int { allRows.count { ["city", "district", "street", "community"].contains($0.kind) } }
    var sites: Int { allRows.count - units }
    var siteRows: [Row] { allRows.filter { !["city", "district", "street", "community"].contains($0.kind) } }

    init(entries: Int) {
        var rows = [Row(kind: "city", id: "sz", parent: "", name: "深圳市")]
        var communities: [String] = []
        // About a quarter of the entries are units: 20 districts of 20 streets, communities to fill.
        let communityCount = max(1, entries / 4 - 421)
        outer: for d in 0..<20 {
            let district = "sz.d\(d)"
            rows.append(Row(kind: "district", id: district, parent: "sz", name: "区\(d)"))
            rows.append(Row(kind: "center", id: "center.\(district)", parent: district, name: "中心\(d)"))
            for s in 0..<20 {
                let street = "\(district).s\(s)"
                rows.append(Row(kind: "street", id: street, parent: district, name: "街道\(d)-\(s)"))
                rows.append(Row(kind: "institute", id: "institute.\(street)", parent: street, name: "所\(d)-\(s)"))
                let perStreet = max(1, communityCount / 400)
                for c in 0..<perStreet {
                    let community = "\(street).c\(c)"
                    communities.append(community)
                    rows.append(Row(kind: "community", id: community, parent: street, name: "社区\(d)-\(s)-\(c)"))
                    rows.append(Row(kind: "station", id: "station.\(community)", parent: community, name: "站\(d)-\(s)-\(c)"))
                    if rows.count >= entries { break outer }
                }
            }
        }
        var n = 0
        while rows.count < entries {
            let community = communities[n % communities.count]
            rows.append(Row(kind: n % 2 == 0 ? "practice_point" : "science_base", id: "site.\(n)", parent: community, name: "阵地\(n)"))
            n += 1
        }
        allRows = Array(rows.prefix(entries))
    }

    var csv: String {
        var text = "type,id,parent,name,population,estimated,address,status,since,until,pilot_since\n"
        for row in allRows {
            let population = ["city", "district", "street", "community"].contains(row.kind) ? "10000" : ""
            text += "\(row.kind),\(row.id),\(row.parent),\(row.name),\(population),,,,,,\n"
        }
        return text
    }
}
