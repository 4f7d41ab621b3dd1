import Foundation
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import OutreachEventsService

@Suite("the menu's free-text search goes through its trigram index (real PostgreSQL)")
struct MenuSearchPlanTests {
    let logger = Logger(label: "menu-plan-test")

    @Test("with 20,000 programmes, a Chinese phrase is found through programme_text, not a scan of the menu")
    func chineseTextThroughTheTrigramIndex() async throws {
        try await TestPostgres.withServiceDatabase(component: "outreach-events", migrations: OutreachSchema.migrations) { [logger] client in
            try await client.query(
                """
                INSERT INTO provider (id, kind, name, districts) VALUES ('p', 'lecturer', '讲师', ARRAY['sz.futian'])
                """, logger: logger)
            // Titles from a few words in many combinations; one programme alone speaks of 食品标签.
            try await client.query(
                """
                INSERT INTO programme (id, title, description, theme, format, audiences, duration_minutes, capacity_min, capacity_max,
                                       provider_id, districts)
                SELECT 'prog-' || g,
                       (ARRAY['健康', '航天', '海洋', '气象', '急救', '环保', '数字', '机器人'])[1 + g % 8] || '科普讲座 第' || g || '期',
                       (ARRAY['专家授课', '互动体验', '动手实验', '参观学习'])[1 + g % 4] || '，适合' || (ARRAY['青少年', '老年人', '家庭'])[1 + g % 3],
                       'health', 'lecture', ARRAY['adults'], 90, 10, 50, 'p', ARRAY['sz.futian']
                FROM generate_series(1, 20000) g
                """, logger: logger)
            try await client.query(
                """
                INSERT INTO programme (id, title, description, theme, format, audiences, duration_minutes, capacity_min, capacity_max,
                                       provider_id, districts)
                VALUES ('prog-label', '读懂食品标签', '专家授课', 'health', 'lecture', ARRAY['adults'], 90, 10, 50, 'p', ARRAY['sz.futian'])
                """, logger: logger)
            try await client.query("ANALYZE programme", logger: logger)

            let query = MenuStore.searchQuery(ProgrammeFilter(text: "食品标签"), after: "", limit: 100)
            let plan = try await TestPostgres.plan(of: query, client: client)
            #expect(plan.contains { $0.contains("programme_text") }, "\(plan.joined(separator: "\n"))")
            #expect(!plan.contains { $0.contains("Seq Scan on programme") }, "\(plan.joined(separator: "\n"))")
            let found = try await client.query(query, logger: logger).collect().map { try $0.decode(ProgrammeView.Columns.self).0 }
            #expect(found == ["prog-label"])
        }
    }
}
