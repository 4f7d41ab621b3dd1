import Foundation
import HummingbirdTesting
import KepuDomain
import KepuTestSupport
import Testing

@testable import MetricsService

/// Funding performance (资金绩效): budgets, activity costs, execution, cost per participant, ranked by efficiency.
@Suite("Funding performance")
struct FundingTests {
    func unit(_ id: String) -> UnitInfo { UnitInfo(id: id, level: .district, path: ["sz", id], parentId: "sz") }

    @Test("ranked by cost per participant; a unit that spent nothing or reached no one is listed after, unranked")
    func ranking() {
        var cheap = KPIValues()
        cheap.counts = [.activityCostFen: 100_000, .activityParticipants: 1_000]
        var dear = KPIValues()
        dear.counts = [.activityCostFen: 300_000, .activityParticipants: 1_000]
        var idle = KPIValues()
        idle.counts = [.activityParticipants: 50]
        let performance = FundingPerformance(
            period: ReportingPeriod(kind: .year, key: "2025"), units: [unit("dear"), unit("idle"), unit("cheap"), unit("none")],
            budgets: ["cheap": 200_000, "dear": 250_000, "none": 0], values: ["cheap": cheap, "dear": dear, "idle": idle])
        #expect(performance.entries.map(\.unit.id) == ["cheap", "dear", "idle", "none"])
        #expect(performance.entries.map(\.rank) == [1, 2, nil, nil])
        #expect(performance.entries.map(\.execution) == [0.5, 1.2, nil, nil], "over budget shows; no budget or a zero one has none")
        #expect(performance.entries.map(\.costPerParticipantFen) == [100, 300, 0, nil])
    }

    @Test("budgets are set within the admin's scope; /api/funding reads them beside the period's costs")
    func routes() async throws {
        try await RouteTesting.withRoutes(of: MetricsRoutesTests.definition) { http, client in
            try await client.query(
                """
                INSERT INTO metric_unit (unit_id, parent_id, level, path) VALUES
                  ('sz', NULL, 'city', '{sz}'), ('d1', 'sz', 'district', '{sz,d1}'), ('d2', 'sz', 'district', '{sz,d2}')
                """)
            try await client.query(
                """
                INSERT INTO kpi_counter (unit_id, period_kind, period_key, activity_cost_fen, activity_participants)
                VALUES ('d1', 'year', '2025', 400000, 1000), ('d2', 'year', '2025', 90000, 600)
                """)
            let district = try await RouteTesting.token(.districtAdmin, scope: "d1")
            let set = try await http.json(.put, "/admin/budgets/d1", bearer: district, body: #"{"period":"year:2025","amountFen":500000}"#)
            #expect(set.status == .ok)
            #expect(
                try await http.json(.put, "/admin/budgets/d2", bearer: district, body: #"{"period":"year:2025","amountFen":1}"#).status == .forbidden)
            #expect(try await http.json(.put, "/admin/budgets/d2", admin: true, body: #"{"period":"year:2025","amountFen":100000}"#).status == .ok)
            #expect(
                try await http.json(.put, "/admin/budgets/d2", admin: true, body: #"{"period":"year:2025","amountFen":-5}"#).status == .badRequest)
            #expect(
                try await http.json(.put, "/admin/budgets/d2", admin: true, body: #"{"period":"day:2025-01-01","amountFen":5}"#).status == .badRequest
            )
            #expect(try await http.json(.put, "/admin/budgets/d9", admin: true, body: #"{"period":"year:2025","amountFen":5}"#).status == .notFound)

            let funding = try await http.json(.get, "/api/funding?level=district&period=year:2025")
            #expect(funding.status == .ok)
            let units = funding.json["units"] as? [[String: Any]] ?? []
            #expect(units.compactMap { $0["unit"] as? String } == ["d2", "d1"], "d2's participant cost 150 fen, d1's 400")
            #expect(units.first?["execution"] as? Double == 0.9)
            #expect(units.last?["execution"] as? Double == 0.8)
            #expect(units.first?["rank"] as? Int == 1)
            #expect(try await http.json(.get, "/api/funding?level=planet").status == .badRequest)
        }
    }
}
