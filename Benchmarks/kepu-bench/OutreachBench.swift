import ArgumentParser
import Foundation
import KepuContracts
import KepuDomain
import KepuKafkaEmbedded
import KepuRuntime
import KepuTooling
import Logging
import PostgresNIO

/// Events end to end with the real executables (outreach-events and booking, built beside this one): events
/// created as drafts through outreach-events' admin API, then published; each timed from its publication until its
/// session is in booking's database (bookable). First at `--rate` publications a second (`bookable_p99_ms`), then
/// `--events` publications as fast as `--concurrency` admin calls in flight allow, timed until booking has every
/// session (`events_per_s`); the full-speed run publishes through the bulk publication (`--batch` ids a call), as a
/// district publishing a campaign's events does. The baseline is the same sessions written into one PostgreSQL table with one
/// statement. Prints, last, `events_per_s=<..> bookable_p99_ms=<..>`.
struct OutreachBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outreach", abstract: "Events published by outreach-events until booking has their sessions.")

    @Option(help: "Publications per second in the paced run.") var rate = 200
    @Option(help: "Seconds of the paced run.") var seconds = 10
    @Option(help: "Events in the full-speed run.") var events = 10_000
    @Option(help: "Admin calls in flight in the full-speed run.") var concurrency = 4
    @Option(help: "Events per bulk publication in the full-speed run.") var batch = 100

    static let registry = """
        type,id,parent,name,population,estimated,address,status,since,until,pilot_since
        city,sz,,深圳市,17560061,,,,,,
        district,sz.futian,sz,福田区,1553225,,,,,,
        street,sz.futian.shatou,sz.futian,沙头街道,155322,true,,,,,
        science_base,base.bench,sz.futian.shatou,基准基地,,,,,2022-01-01,,
        """
    static let headers = ["Authorization": "Bearer bench-admin-token-0123456789", "Content-Type": "application/json"]

    func run() async throws {
        try await withBenchInfrastructure(service: "outreach_events") { postgres, database, cluster in
            try await measure(postgres, database, cluster)
        }
    }

    private func measure(_ postgres: BenchPostgres, _ outreachDatabase: DatabaseSettings, _ cluster: EmbeddedKafkaCluster) async throws {
        let bookingDatabase = try await postgres.createDatabase("kepu_bench_booking")
        let (children, ports) = try await startServiceExecutables(
            [.outreachEvents, .booking], postgres: postgres, databases: [.outreachEvents: outreachDatabase, .booking: bookingDatabase],
            cluster: cluster)
        defer { for child in children { child.signal(SIGKILL) } }
        let port = ports[.outreachEvents] ?? 0
        say("outreach-events and booking are ready")
        guard
            await httpRequest(
                port: port, method: "POST", path: "/admin/network/import",
                headers: ["Authorization": Self.headers["Authorization"] ?? "", "Content-Type": "text/csv"],
                body: Self.registry)?.status == 200
        else { throw BenchError("the registry import was refused") }

        let paced = rate * seconds
        say("drafting \(paced + events) events")
        try await inFlight(Array(0..<(paced + events)), concurrency) { index in try await Self.draft("evb-\(index)", on: port) }

        try await postgres.withClient(bookingDatabase) { booking in
            // Paced: each publication timed until its session exists in booking.
            let latencies = try await timed(Array(0..<paced).map { "evb-\($0)" }, rate: rate, port: port, booking: booking)
            let p50 = percentile(latencies, 0.5)
            let p99 = percentile(latencies, 0.99)
            say(String(format: "%d publications at %d/s: bookable p50 %.0f ms, p99 %.0f ms (includes up to 5 ms of polling)", paced, rate, p50, p99))

            // Full speed: every publication in flight as fast as the admin API takes them, until booking has all.
            let ids = Array(paced..<(paced + events)).map { "evb-\($0)" }
            let start = ContinuousClock.now
            let batches = stride(from: 0, to: ids.count, by: batch).map { Array(ids[$0..<min($0 + batch, ids.count)]) }
            try await inFlight(batches, concurrency) { batch in try await Self.publish(batch, on: port) }
            let answered = start.duration(to: .now).seconds
            try await waitForSessions(paced + events, in: booking)
            let total = start.duration(to: .now).seconds
            let perSecond = Double(events) / total
            say(
                String(
                    format: "%d events in bulk publications of %d: answered in %.2f s, all bookable after %.2f s = %.0f events/s", events, batch,
                    answered, total, perSecond))

            let baseline = try await postgres.withClient(outreachDatabase) { client -> Double in
                try await client.query(
                    "CREATE TABLE bench_session (id text PRIMARY KEY, venue text NOT NULL, starts_at timestamptz NOT NULL, capacity int)")
                let start = ContinuousClock.now
                try await client.query(
                    """
                    INSERT INTO bench_session SELECT id, 'base.bench', now() + interval '1 day', 50 FROM unnest(\(ids)::text[]) AS id
                    """)
                return Double(ids.count) / start.duration(to: .now).seconds
            }
            say(String(format: "baseline: the same %d sessions into one PostgreSQL table in one statement: %.0f rows/s", events, baseline))
            say(
                String(
                    format: "events_per_s=%.0f baseline_rows_per_s=%.0f baseline_ratio=%.4f bookable_p50_ms=%.0f", perSecond, baseline,
                    perSecond / baseline, p50))
            say(String(format: "events_per_s=%.0f bookable_p99_ms=%.0f", perSecond, p99))
        }
    }

    private static func draft(_ id: String, on port: Int) async throws {
        let start = Date().addingTimeInterval(86_400 + Double(id.hashValue & 0xFFFF))
        let body = """
            {"eventId":"\(id)","title":"基准活动","siteId":"base.bench","theme":"ecology","format":"visit",\
            "startsAt":"\(start.formatted(.iso8601))","endsAt":"\(start.addingTimeInterval(3600).formatted(.iso8601))","seats":{"capacity":50}}
            """
        let answer = await httpRequest(port: port, method: "POST", path: "/admin/events", headers: Self.headers, body: body)
        guard answer?.status == 201 else { throw BenchError("drafting \(id): \(answer?.status ?? 0) \(answer?.body ?? "")") }
    }

    private static func publish(_ id: String, on port: Int) async throws {
        let answer = await httpRequest(
            port: port, method: "POST", path: "/admin/events/\(id)/steps", headers: Self.headers, body: #"{"action":"publish"}"#)
        guard answer?.status == 200 else { throw BenchError("publishing \(id): \(answer?.status ?? 0) \(answer?.body ?? "")") }
    }

    private static func publish(_ ids: [String], on port: Int) async throws {
        let body = #"{"eventIds":[\#(ids.map { "\"\($0)\"" }.joined(separator: ","))]}"#
        let answer = await httpRequest(port: port, method: "POST", path: "/admin/events/publish", headers: Self.headers, body: body)
        guard answer?.status == 200, answer?.body.contains(#""unchanged":[]"#) == true else {
            throw BenchError("publishing \(ids.count) events: \(answer?.status ?? 0) \(answer?.body.prefix(300) ?? "")")
        }
    }

    /// Publishes `ids` at `rate` a second; each one's milliseconds from its call until booking has its session.
    private func timed(_ ids: [String], rate: Int, port: Int, booking: PostgresClient) async throws -> [Double] {
        var sentAt: [String: ContinuousClock.Instant] = [:]
        let poller = Task {
            var seen: [String: ContinuousClock.Instant] = [:]
            while seen.count < ids.count && !Task.isCancelled {
                for try await id in try await booking.query("SELECT id FROM session WHERE id LIKE 'evb-%'").decode(String.self) where seen[id] == nil
                {
                    seen[id] = .now
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            return seen
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(Double(ids.count / max(rate, 1)) + 120))
            poller.cancel()
        }
        let begin = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, id) in ids.enumerated() {
                let due = begin + .milliseconds(index * 1000 / rate)
                if due > .now { try await Task.sleep(until: due) }
                sentAt[id] = .now
                group.addTask { try await Self.publish(id, on: port) }
            }
            try await group.waitForAll()
        }
        let seen = try await poller.value
        watchdog.cancel()
        return try ids.map { id in
            guard let sent = sentAt[id], let bookable = seen[id] else { throw BenchError("\(id) never became bookable") }
            return sent.duration(to: bookable).seconds * 1000
        }
    }

    private func waitForSessions(_ count: Int, in booking: PostgresClient) async throws {
        let deadline = ContinuousClock.now + .seconds(600)
        while try await booking.query("SELECT count(*)::int FROM session WHERE id LIKE 'evb-%'").collect().first?.decode(Int.self) ?? 0 < count {
            guard ContinuousClock.now < deadline else { throw BenchError("booking did not have every session within 10 minutes") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Runs `body` for every item with at most `width` running at once.
    private func inFlight<Item: Sendable>(_ items: [Item], _ width: Int, _ body: @escaping @Sendable (Item) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var iterator = items.makeIterator()
            for _ in 0..<width {
                guard let item = iterator.next() else { break }
                group.addTask { try await body(item) }
            }
            while try await group.next() != nil {
                guard let item = iterator.next() else { continue }
                group.addTask { try await body(item) }
            }
        }
    }
}
