import Foundation
import KepuDomain
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import MetricsService

/// The public report and rankings: safe to open in a spreadsheet, and bounded in what they read into memory.
@Suite("public reports (real PostgreSQL)")
struct PublicReportTests {
    let logger = Logger(label: "public-report-test")

    @Test("a CSV cell a spreadsheet would run as a formula is neutralised; numbers, negative ones included, are not")
    func csvInjection() {
        #expect(csvField("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        #expect(csvField("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0")
        #expect(csvField("-2+3") == "'-2+3")
        #expect(csvField("@SUM(A1:A9)") == "'@SUM(A1:A9)")
        #expect(csvField("\tdata") == "'\tdata")
        #expect(csvField("-12") == "-12")
        #expect(csvField("-0.2500") == "-0.2500")
        #expect(csvField("sz.futian") == "sz.futian")
        #expect(csvField("a,b") == "\"a,b\"")
    }

    @Test("the session ranking's top 50 of 30,000 sessions comes from PostgreSQL and equals the pure score's ranking")
    func topSessionsInSQL() async throws {
        try await TestPostgres.withServiceDatabase(component: "metrics", migrations: MetricsSchema.migrations) { [logger] client in
            // Scores with many ties (the ranking breaks them by id) and empty or zero-capacity sessions.
            try await client.query(
                """
                INSERT INTO metric_session (session_id, venue_id, venue_kind, unit_path, unit_id, day, title, starts_at, capacity,
                                            seats_booked, bookings_made, check_ins, no_shows)
                SELECT 's-' || g, 'v', 'museum', ARRAY['sz'], 'sz', date '2026-01-01' + (g % 365), '=cmd', now(), (g * 7) % 40,
                       (g * 13) % 45, (g * 5) % 12, (g * 3) % 13, 0
                FROM generate_series(1, 30000) g
                """, logger: logger)
            try await client.query("ANALYZE metric_session", logger: logger)
            let days = try #require(ReportingPeriod(kind: .year, key: "2026").days)
            let queries = KPIQueries(client: client, logger: logger)
            let top = try await queries.topSessions(in: days, limit: 50)
            #expect(top.count == 50)

            var all: [(id: String, score: Double)] = []
            for try await (id, capacity, booked, made, checkIns) in try await client.query(
                "SELECT session_id, capacity, seats_booked, bookings_made, check_ins FROM metric_session", logger: logger
            ).decode((String, Int, Int64, Int64, Int64).self) {
                let row = SessionTallyRow(
                    sessionId: id, title: "", unitId: "", venueKind: "", day: "", capacity: Int64(capacity), seatsBooked: booked, bookingsMade: made,
                    checkIns: checkIns, noShows: 0)
                if let score = Recognition.sessionScore(row) { all.append((id, score)) }
            }
            let expected = all.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }.prefix(50)
            #expect(top.map(\.session.sessionId) == expected.map(\.id))
            #expect(zip(top.map(\.score), expected.map(\.score)).allSatisfy { $0 == $1 }, "the SQL score is the Swift score, bit for bit")
        }
    }
}
