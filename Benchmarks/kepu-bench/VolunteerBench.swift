import ArgumentParser
import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTooling
import Logging
import PostgresNIO
import VolunteerService

/// Matching with the real executable (volunteer, built beside this one) over a city-sized corps: `--volunteers`
/// volunteers across 1,000 communities in ten districts, each with a theme and a format among their skills,
/// qualifications, weekend (and some weekday-evening) availability and a monthly cap.
///
/// - `needs_per_s`: `--needs` events with volunteer needs published on `kepu.outreach.events.v1` as outreach-events
///   publishes them, timed until volunteer has offered every one (its staffing published).
/// - `match_p99_ms`: then, with the corps carrying those offers, ranking one need (`--rankings` draft events, one
///   at a time on one connection), beside the baseline: the candidates' ids alone from the same GIN indexes,
///   without the per-volunteer checks.
///
/// Prints, last, `needs_per_s=<..> match_p99_ms=<..>`.
struct VolunteerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volunteer", abstract: "Matching volunteers to events' needs over a city-sized corps.")

    @Option(help: "Volunteers in the corps.") var volunteers = 200_000
    @Option(help: "Events with volunteer needs in the full-speed run.") var needs = 5_000
    @Option(help: "Needs ranked one at a time for the latency.") var rankings = 1_000

    static let themes = [
        "youth_science", "health", "practical_technology", "rumour_debunking", "anti_pseudoscience", "scientist_spirit",
        "emergency_safety", "ecology", "digital_literacy", "general_science",
    ]
    static let formats = ["lecture", "visit", "exhibition", "workshop", "reading"]
    var logger: Logger { Logger(label: "kepu.bench.volunteer", factory: { _ in SwiftLogNoOpLogHandler() }) }

    func run() async throws {
        try await withBenchInfrastructure(service: "volunteer") { postgres, database, cluster in
            let (children, _) = try await startServiceExecutables(
                [.volunteer], postgres: postgres, databases: [.volunteer: database], cluster: cluster)
            defer { for child in children { child.signal(SIGKILL) } }
            say("volunteer is ready (migrated)")
            try await postgres.withClient(database) { client in
                try await seed(client)
                try await measure(client, cluster)
            }
        }
    }

    /// The unit path of community `c` (0..<1000): ten districts of ten streets of ten communities.
    static func path(_ c: Int) -> [String] {
        let district = "d\(c / 100)"
        let street = "\(district).s\(c / 10 % 10)"
        return ["sz", district, street, "\(street).c\(c % 10)"]
    }

    private func seed(_ client: PostgresClient) async throws {
        let start = ContinuousClock.now
        try await client.query(
            """
            INSERT INTO team (id, name, unit_path) SELECT 'team.d' || d, '分队 ' || d, ARRAY['sz', 'd' || d] FROM generate_series(0, 9) d
            """, logger: logger)
        // Volunteer g lives in community g % 1000 and serves its district; skills, independent of where they live:
        // a theme and a format (and a general one); lecture needs teaching, workshop lab safety (one in ten of
        // those expired).
        try await client.query(
            """
            INSERT INTO volunteer (id, resident_id, team_id, role, name, phone, skills, home_unit_id, home_path, serve_units, available, blackout,
                                   monthly_cap_minutes)
            SELECT 'v' || g, 'r' || g, 'team.d' || (g % 1000) / 100, 'volunteer', NULL, NULL,
                   ARRAY[(\(Self.themes)::text[])[1 + (g / 1000) % 10], (\(Self.formats)::text[])[1 + (g / 10000) % 5],
                         (ARRAY['photography', 'logistics', 'device_support'])[1 + g % 3]],
                   'c' || g % 1000,
                   ARRAY['sz', 'd' || (g % 1000) / 100, 'd' || (g % 1000) / 100 || '.s' || (g % 1000) / 10 % 10,
                         'd' || (g % 1000) / 100 || '.s' || (g % 1000) / 10 % 10 || '.c' || g % 10],
                   ARRAY['d' || (g % 1000) / 100],
                   CASE WHEN g % 4 = 0 THEN '{[4020,4140),[7740,8280)}'::int4multirange ELSE '{[7740,8280),[9180,9720)}'::int4multirange END,
                   CASE WHEN g % 7 = 0 THEN ARRAY['2030-05-04'::date] ELSE '{}'::date[] END,
                   60 * (10 + g % 30)
            FROM generate_series(1, \(volunteers)::int) g
            """, logger: logger)
        try await client.query(
            """
            INSERT INTO qualification (volunteer_id, kind, expires_on)
            SELECT id, CASE WHEN skills[2] = 'lecture' THEN 'teaching' ELSE 'lab_safety' END,
                   CASE WHEN substr(id, 2)::int % 10 = 0 THEN '2029-12-31'::date ELSE '2032-12-31'::date END
            FROM volunteer WHERE skills[2] IN ('lecture', 'workshop')
            """, logger: logger)
        // Draft events for the ranking latency (a draft is never offered).
        try await client.query(
            """
            INSERT INTO activity_event (id, status, title, site_path, theme, starts_at, ends_at, needed, skills)
            SELECT 'rank-' || i, 'draft', 'bench', ARRAY['sz', 'd' || (i * 7 % 1000) / 100, 'd' || (i * 7 % 1000) / 100 || '.s' || (i * 7 % 1000) / 10 % 10],
                   (\(Self.themes)::text[])[1 + i % 10],
                   '2030-01-05T01:00:00Z'::timestamptz + make_interval(days => (i % 52) * 7 + i % 2, hours => (i / 2) % 7),
                   '2030-01-05T03:00:00Z'::timestamptz + make_interval(days => (i % 52) * 7 + i % 2, hours => (i / 2) % 7),
                   3, ARRAY[(\(Self.themes)::text[])[1 + i % 10], (\(Self.formats)::text[])[1 + (i / 10) % 5]]
            FROM generate_series(0, \(rankings - 1)::int) i
            """, logger: logger)
        for table in ["volunteer", "qualification", "activity_event"] {
            try await client.query(PostgresQuery(unsafeSQL: "ANALYZE \(table)"), logger: logger)
        }
        say(String(format: "seeded %d volunteers, %d ranking events in %.1f s", volunteers, rankings, start.duration(to: .now).seconds))
    }

    private func measure(_ client: PostgresClient, _ cluster: EmbeddedKafkaCluster) async throws {
        // Full speed: outreach's events with their needs, until volunteer has offered each.
        let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers))
        let base = Date(timeIntervalSince1970: 1_893_805_200) // Saturday 5 January 2030, 09:00 Shanghai
        let records = try (0..<needs).map { i -> KafkaProducerMessage in
            let community = i * 13 % 1000
            let starts = base.addingTimeInterval(Double((i % 52) * 7 + i % 2) * 86_400 + Double((i / 2) % 7) * 3600)
            let ends = starts.addingTimeInterval(7200)
            let record = ActivityEventRecord(
                eventId: "need-\(i)", status: .published, title: "科普活动 \(i)", siteId: "station.\(community)", siteKind: .station,
                sitePath: Self.path(community), theme: Self.themes[i % 10], format: .lecture, startsAt: starts, endsAt: ends,
                volunteerNeeds: VolunteerNeeds(
                    count: 2 + i % 4, skills: [Self.themes[i % 10], Self.formats[(i / 10) % 5]], from: starts, until: ends))
            return try CloudEvent(
                source: ServiceName.outreachEvents.eventSource, type: ActivityEventType.eventRecorded, subject: "event/need-\(i)", payload: record
            )
            .kafkaMessage(topic: Topics.outreachEvents.name, key: record.eventId)
        }
        let start = ContinuousClock.now
        for result in await producer.send(records) { _ = try result.get() }
        await producer.shutdown()
        while true {
            let staffed =
                try await client.query(
                    "SELECT count(*)::int FROM activity_event WHERE id LIKE 'need-%' AND staffed_needed IS NOT NULL", logger: logger
                ).collect().first?.decode(Int.self) ?? 0
            if staffed >= needs { break }
            guard start.duration(to: .now) < .seconds(600) else { throw BenchError("only \(staffed) of \(needs) needs matched in 10 minutes") }
            try await Task.sleep(for: .milliseconds(50))
        }
        let elapsed = start.duration(to: .now).seconds
        let (offers, short) =
            try await client.query(
                """
                SELECT (SELECT count(*)::int FROM assignment), count(*) FILTER (WHERE staffed_offered < needed)::int
                FROM activity_event WHERE id LIKE 'need-%'
                """, logger: logger
            ).collect().first?.decode((Int, Int).self) ?? (0, 0)
        // Ranking one need at a time (the corps now loaded with the offers above), and the baseline: the index
        // lookup alone.
        var ranking: [Double] = []
        var baseline: [Double] = []
        var found = 0
        try await client.withConnection { connection in
            for i in 0..<rankings {
                let clock = ContinuousClock.now
                found += try await VolunteerService.rank(event: "rank-\(i)", limit: 10, on: connection, logger: logger).count
                ranking.append(clock.duration(to: .now).seconds * 1000)
                let base = ContinuousClock.now
                _ = try await connection.query(
                    """
                    SELECT v.id FROM activity_event e JOIN volunteer v ON v.active AND v.skills @> e.skills AND v.serve_units && e.site_path
                    WHERE e.id = \("rank-\(i)") ORDER BY v.id LIMIT 10
                    """, logger: logger
                ).collect()
                baseline.append(base.duration(to: .now).seconds * 1000)
            }
        }
        let p99 = percentile(ranking, 0.99)
        say(
            String(
                format:
                    "ranking one need: p50 %.1f ms, p99 %.1f ms (%.1f candidates listed on average); baseline (index lookup only): p50 %.1f ms, p99 %.1f ms",
                percentile(ranking, 0.5), p99, Double(found) / Double(rankings), percentile(baseline, 0.5), percentile(baseline, 0.99)))

        let perSecond = Double(needs) / elapsed
        say(
            String(
                format:
                    "%d needs published and matched in %.2f s = %.0f needs/s (%d offers made, %d needs short of candidates); baseline ranking rate on one connection: %.0f needs/s",
                needs, elapsed, perSecond, offers, short, 1000 / max(0.001, percentile(ranking, 0.5))))
        say(String(format: "needs_per_s=%.0f match_p99_ms=%.1f", perSecond, p99))
    }
}
