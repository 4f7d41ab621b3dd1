import Foundation
import KepuDomain
import Testing

@Suite("Reporting periods (Asia/Shanghai)")
struct ReportingPeriodTests {
    func keys(_ iso: String) throws -> [String] {
        let date = try #require(ISO8601DateFormatter().date(from: iso))
        return ReportingPeriod.containing(ShanghaiDay(date)).map(\.description)
    }

    @Test("a day starts at Shanghai midnight (16:00 UTC the day before)")
    func shanghaiMidnight() throws {
        #expect(try keys("2026-11-29T15:59:59Z") == ["day:2026-11-29", "week:2026-W48", "month:2026-11", "quarter:2026-Q4", "year:2026"])
        #expect(try keys("2026-11-29T16:00:00Z") == ["day:2026-11-30", "week:2026-W49", "month:2026-11", "quarter:2026-Q4", "year:2026"])
        // New year and a new quarter arrive at Shanghai midnight, eight hours before UTC's.
        #expect(try keys("2026-12-31T16:00:00Z").prefix(5) == ["day:2027-01-01", "week:2026-W53", "month:2027-01", "quarter:2027-Q1", "year:2027"])
        #expect(try keys("2026-03-31T16:00:00Z")[3] == "quarter:2026-Q2")
        #expect(try keys("2026-03-31T15:59:59Z")[3] == "quarter:2026-Q1")
        #expect(try keys("2026-02-01T00:00:00Z").prefix(3) == ["day:2026-02-01", "week:2026-W05", "month:2026-02"], "zero-padded")
    }

    @Test("ISO weeks: Monday starts them, the Thursday's year owns them")
    func isoWeekEdges() throws {
        #expect(ShanghaiDay("2024-12-30")?.isoWeek.year == 2025)
        #expect(ShanghaiDay("2024-12-30")?.isoWeek.week == 1)
        #expect(ShanghaiDay("2021-01-03")?.isoWeek.year == 2020)
        #expect(ShanghaiDay("2021-01-03")?.isoWeek.week == 53)
        #expect(ShanghaiDay("2021-01-04")?.isoWeek.week == 1)
        #expect(ShanghaiDay("2026-01-01")?.isoWeek.year == 2026)
        #expect(ShanghaiDay("2026-01-01")?.isoWeek.week == 1)
        // Sunday 2026-11-29 ends week 48; Monday 2026-11-30 starts week 49 (in Shanghai).
        #expect(ShanghaiDay("2026-11-29")?.isoWeek.week == 48)
        #expect(ShanghaiDay("2026-11-30")?.isoWeek.week == 49)
        let week53 = try #require(ReportingPeriod(kind: .week, key: "2026-W53").days)
        #expect(week53.lowerBound.description == "2026-12-28" && week53.upperBound.description == "2027-01-03")
        #expect(ReportingPeriod(kind: .week, key: "2025-W53").days == nil, "2025 has 52 ISO weeks")
        #expect(ReportingPeriod(kind: .week, key: "2026-W01").previous?.key == "2025-W52")
    }

    @Test("month, quarter, year and phase ranges; the previous period")
    func ranges() throws {
        let february = try #require(ReportingPeriod(kind: .month, key: "2024-02").days)
        #expect(february.upperBound.description == "2024-02-29")
        #expect(ReportingPeriod(kind: .month, key: "2026-01").previous?.key == "2025-12")
        #expect(ReportingPeriod(kind: .quarter, key: "2026-Q1").previous?.key == "2025-Q4")
        #expect(ReportingPeriod(kind: .quarter, key: "2026-Q4").days?.upperBound.description == "2026-12-31")
        #expect(ReportingPeriod(kind: .year, key: "2026").previous?.key == "2025")
        #expect(ReportingPeriod(kind: .phase, key: "rollout").previous?.key == "pilot")
        #expect(ReportingPeriod(kind: .day, key: "2026-02-30").days == nil)
        #expect(ShanghaiDay("2026-02-30") == nil)
    }

    @Test("phases: the pilot is 2022, the rollout 2023-2025, the evaluation 2025 (inside the rollout)")
    func phases() throws {
        #expect(try keys("2022-12-31T15:59:59Z").last == "phase:pilot")
        #expect(try keys("2022-12-31T16:00:00Z").last == "phase:rollout")
        #expect(try keys("2025-06-01T00:00:00Z").suffix(2) == ["phase:rollout", "phase:evaluation"])
        #expect(try keys("2026-06-01T00:00:00Z").allSatisfy { !$0.hasPrefix("phase:") })
    }

    @Test("periods with years that would overflow the day arithmetic do not parse")
    func periodRanges() {
        for text in [
            "month:100000000000000000-01", "week:9223372036854775807-W01", "quarter:-9223372036854775808-Q1", "year:99999",
            "day:9999999999-01-01", "month:0000-01", "week:2026-W001",
        ] {
            let parts = text.split(separator: ":", maxSplits: 1)
            let period = ReportingPeriod(kind: ReportingPeriod.Kind(rawValue: String(parts[0])) ?? .day, key: String(parts[1]))
            #expect(period.days == nil, "\(text)")
        }
        #expect(ReportingPeriod(kind: .week, key: "9999-W52").days != nil)
        #expect(ReportingPeriod(kind: .month, key: "0001-01").days != nil)
    }
}
