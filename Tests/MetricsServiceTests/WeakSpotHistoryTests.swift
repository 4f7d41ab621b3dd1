import KepuDomain
import Testing

@testable import MetricsService

@Suite("the rolling rules judged month by month for the report")
struct WeakSpotHistoryTests {
    let districts = ["d1", "d2", "d3"].map { UnitInfo(id: $0, level: .district, path: ["sz", $0], parentId: "sz", population: 100_000) }

    /// A district's month: seats offered and booked, activities held.
    func month(booked: Int64, activities: Int64) -> KPIValues {
        var values = KPIValues()
        values.counts[.seatsOffered] = 100
        values.counts[.seatsBooked] = booked
        values.counts[.activitiesHeld] = activities
        return values
    }

    func period(_ key: String) -> ReportingPeriod { ReportingPeriod(kind: .month, key: key) }

    @Test("a district's fill rate far under its peers opens in its month and closes when it is back; a fall opens against the month before")
    func openedAndClosed() {
        let normal = month(booked: 80, activities: 20)
        let months: [(period: ReportingPeriod, values: [String: KPIValues])] = [
            (period("2024-12"), ["d1": normal, "d2": normal, "d3": normal]),
            // d1 fills a tenth of its seats against the others' 80 %: under half the median.
            (period("2025-01"), ["d1": month(booked: 10, activities: 20), "d2": normal, "d3": normal]),
            // d1 back; d2's activities fall from 20 to 5 (more than 30 %).
            (period("2025-02"), ["d1": normal, "d2": month(booked: 80, activities: 5), "d3": normal]),
        ]
        let history = WeakSpotHistory(rules: WeakSpotRules(settings: .defaults), districts: districts, months: months)
        #expect(history.steps.map(\.period) == [period("2025-01"), period("2025-02")])

        let january = history.steps[0]
        #expect(january.of(.lowFillRate).opened.map(\.unitId) == ["d1"])
        #expect(january.of(.lowFillRate).opened.first?.value == 0.1)
        #expect(january.of(.fallingTrend).crossing.isEmpty, "20 activities each month: nothing fell")
        #expect(january.closed.isEmpty)

        let february = history.steps[1]
        #expect(february.of(.lowFillRate).crossing.isEmpty)
        #expect(february.of(.lowFillRate).closed.map(\.unitId) == ["d1"])
        #expect(february.of(.fallingTrend).opened.map(\.unitId) == ["d2"])
        // d2's 5 activities per 100,000 residents are also under half the districts' median of 20.
        #expect(february.of(.belowPeers).opened.map(\.unitId) == ["d2"])
        #expect(history.opened == 3 && history.closed == 1)
    }

    @Test("with nothing before the first month, what crosses in it opens in it; no months, no steps")
    func firstMonth() {
        let months: [(period: ReportingPeriod, values: [String: KPIValues])] = [
            (period("2022-01"), [:]),
            (
                period("2022-01"),
                ["d1": month(booked: 10, activities: 20), "d2": month(booked: 80, activities: 20), "d3": month(booked: 80, activities: 20)]
            ),
        ]
        let history = WeakSpotHistory(rules: WeakSpotRules(settings: .defaults), districts: districts, months: months)
        #expect(history.steps.count == 1 && history.opened == 1)
        #expect(WeakSpotHistory(rules: WeakSpotRules(settings: .defaults), districts: districts, months: []).steps.isEmpty)
    }
}
