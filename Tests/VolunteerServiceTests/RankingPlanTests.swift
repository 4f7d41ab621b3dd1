import Foundation
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import VolunteerService

@Suite("ranking goes through the corps' GIN indexes (real PostgreSQL)")
struct RankingPlanTests {
    let logger = Logger(label: "ranking-plan-test")

    @Test("with 20,000 volunteers in ten districts, ranking reads volunteers through their skills or units served, not a scan")
    func rankingThroughTheIndexes() async throws {
        try await TestPostgres.withServiceDatabase(component: "volunteer", migrations: VolunteerSchema.migrations) { [logger] client in
            try await client.query("INSERT INTO team (id, name, unit_path) VALUES ('t', '分队', '{sz}')", logger: logger)
            // Ten districts, each volunteer with a theme and a format among the skills, available at weekends.
            try await client.query(
                """
                INSERT INTO volunteer (id, resident_id, team_id, role, skills, home_unit_id, home_path, serve_units, available, blackout,
                                       monthly_cap_minutes)
                SELECT 'v' || g, 'r' || g, 't', 'volunteer',
                       ARRAY[(ARRAY['health','ecology','youth_science','digital_literacy','emergency_safety'])[1 + g % 5],
                             (ARRAY['lecture','visit','workshop','exhibition'])[1 + (g / 5) % 4]],
                       'd' || g % 10, ARRAY['sz', 'd' || g % 10], ARRAY['d' || g % 10], '{[7740,8640),[9180,10080)}'::int4multirange, '{}', 2400
                FROM generate_series(1, 20000) g
                """, logger: logger)
            try await client.query(
                """
                INSERT INTO activity_event (id, status, title, site_path, theme, starts_at, ends_at, needed, skills)
                VALUES ('ev', 'published', '讲座', '{sz,d5}', 'health', '2030-03-02T02:00:00Z', '2030-03-02T04:00:00Z', 3, '{health,visit}')
                """, logger: logger)
            try await client.query("ANALYZE volunteer", logger: logger)
            try await client.query("ANALYZE activity_event", logger: logger)

            let target = try #require(
                try await client.withConnection { try await RankingTarget.read("ev", fairnessDays: 90, on: $0, logger: logger) })
            #expect(target.startMinute == 5 * 1440 + 600 && target.minutes == 120 && target.day == "2030-03-02")
            let served = try await TestPostgres.plan(of: Matcher.rankingQuery(target, tier: .served, limit: 10, fairnessDays: 90), client: client)
            #expect(served.contains { $0.contains("volunteer_skills") || $0.contains("volunteer_serves") }, "\(served.joined(separator: "\n"))")
            #expect(!served.contains { $0.contains("Seq Scan on volunteer") }, "\(served.joined(separator: "\n"))")
            let home = try await TestPostgres.plan(of: Matcher.rankingQuery(target, tier: .home("d5"), limit: 10, fairnessDays: 90), client: client)
            #expect(home.contains { $0.contains("volunteer_home_keys") }, "\(home.joined(separator: "\n"))")
            let ranked = try await client.withConnection { connection in
                try await Matcher(policy: .defaults, logger: logger).rank("ev", limit: 10, on: connection)
            }
            #expect(ranked.count == 10)
            #expect(ranked.allSatisfy { Int($0.volunteerId.dropFirst()).map { $0 % 10 == 5 && $0 % 5 == 0 && ($0 / 5) % 4 == 1 } == true })
        }
    }
}
