import Foundation
import HummingbirdTesting
import KepuDomain
import KepuTestSupport
import Testing

@testable import MetricsService

/// Nominations (示范社区, 先进个人): volunteers' hours per period from the hours states, and the list.
@Suite("Nominations")
struct NominationTests {
    @Test("verified minutes count in the month, year and phase of the day served; a corrected day moves them; pending count nothing")
    func tallies() {
        let served = ShanghaiDay(year: 2025, month: 3, day: 1)
        var before = ServiceHours()
        (before.unitPath, before.day, before.verifiedMinutes) = (["sz", "d1"], served, 120)
        var moved = before
        moved.day = ShanghaiDay(year: 2025, month: 4, day: 2)
        var pending = ServiceHours()
        (pending.unitPath, pending.day) = (["sz", "d1"], served)
        let first = VolunteerTally.deltas(before: [:], after: ["v/e1": before, "v/e2": pending], volunteer: ["v/e1": "v", "v/e2": "v"])
        #expect(first[VolunteerTally.Key(volunteerId: "v", period: ReportingPeriod(kind: .month, key: "2025-03"))] == 120)
        #expect(first[VolunteerTally.Key(volunteerId: "v", period: ReportingPeriod(kind: .year, key: "2025"))] == 120)
        #expect(first.keys.allSatisfy { VolunteerTally.periodKinds.contains($0.period.kind) })
        let second = VolunteerTally.deltas(before: ["v/e1": before], after: ["v/e1": moved], volunteer: ["v/e1": "v"])
        #expect(second[VolunteerTally.Key(volunteerId: "v", period: ReportingPeriod(kind: .month, key: "2025-03"))] == -120)
        #expect(second[VolunteerTally.Key(volunteerId: "v", period: ReportingPeriod(kind: .month, key: "2025-04"))] == 120)
        #expect(second[VolunteerTally.Key(volunteerId: "v", period: ReportingPeriod(kind: .year, key: "2025"))] == nil, "the year nets to 0")
    }

    @Test("communities by score and volunteers by hours, then star level, under the unit; a bad period or limit is a 400")
    func list() async throws {
        try await RouteTesting.withRoutes(of: MetricsRoutesTests.definition) { http, client in
            try await client.query(
                """
                INSERT INTO metric_unit (unit_id, parent_id, level, path, population) VALUES
                  ('sz', NULL, 'city', '{sz}', NULL), ('d1', 'sz', 'district', '{sz,d1}', NULL), ('d2', 'sz', 'district', '{sz,d2}', NULL),
                  ('c1', 'd1', 'community', '{sz,d1,c1}', 10000), ('c2', 'd1', 'community', '{sz,d1,c2}', 10000),
                  ('c3', 'd2', 'community', '{sz,d2,c3}', 10000)
                """)
            try await client.query(
                """
                INSERT INTO kpi_counter (unit_id, period_kind, period_key, activities_held) VALUES
                  ('c1', 'year', '2025', 4), ('c2', 'year', '2025', 8), ('c3', 'year', '2025', 20)
                """)
            try await client.query(
                """
                INSERT INTO volunteer_tally (volunteer_id, period_kind, period_key, verified_minutes, unit_path) VALUES
                  ('a', 'year', '2025', 6000, '{sz,d1}'), ('b', 'year', '2025', 9000, '{sz,d1}'), ('c', 'year', '2025', 6000, '{sz,d1}'),
                  ('z', 'year', '2025', 99000, '{sz,d2}'), ('b', 'year', '2024', 1, '{sz,d1}')
                """)
            try await client.query("INSERT INTO volunteer_star (volunteer_id, level, unit_path) VALUES ('c', 2, '{sz,d1}')")
            let answer = try await http.json(.get, "/api/nominations?unit=d1&period=year:2025&limit=5")
            #expect(answer.status == .ok)
            let communities = (answer.json["communities"] as? [[String: Any]] ?? []).compactMap { $0["unit"] as? String }
            #expect(communities == ["c2", "c1"], "d1's communities, the more active first; c3 is in d2")
            let volunteers = answer.json["volunteers"] as? [[String: Any]] ?? []
            #expect(volunteers.compactMap { $0["volunteer"] as? String } == ["b", "c", "a"], "by hours, then star level; z lives in d2")
            #expect(volunteers.first?["verifiedHours"] as? Double == 150)
            #expect(volunteers.dropFirst().first?["starLevel"] as? Int == 2)
            #expect(try await http.json(.get, "/api/nominations?unit=d1&period=day:2025-01-01").status == .badRequest)
            #expect(try await http.json(.get, "/api/nominations?unit=d1&period=year:2025&limit=1000").status == .badRequest)
            #expect(try await http.json(.get, "/api/nominations?unit=nowhere&period=year:2025").status == .notFound)
        }
    }
}
