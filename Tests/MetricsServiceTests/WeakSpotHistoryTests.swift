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
        let months = [
            WeakSpotHistory.Month(period: period("2024-12"), values: ["d1": normal, "d2": normal, "d3": normal]),
            // d1 fills a tenth of its seats against the others' 80 %: under half the median.
            WeakSpotHistory.Month(period: period("2025-01"), values: ["d1": month(booked: 10, activities: 20), "d2": normal, "d3": normal]),
            // d1 back; d2's activities fall from 20 to 5 (more than 30 %).
            WeakSpotHistory.Month(period: period("2025-02"), values: ["d1": normal, "d2": month(booked: 80, activities: 5), "d3": normal]),
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

    @Test("a site is idle at a month's end when its last session is more than the idle days before it, and no longer once it holds one")
    func idleSites() {
        let day = { (text: String) in ShanghaiDay(text) ?? ShanghaiDay(number: 0) }
        let months = [
            // Default: idle after 60 days. At the end of March, st.1 last held a session on 1 January (89 days).
            WeakSpotHistory.Month(period: period("2025-03"), values: [:], lastHeld: [("st.1", day("2025-01-01")), ("st.2", day("2025-03-30"))]),
            WeakSpotHistory.Month(period: period("2025-04"), values: [:], lastHeld: [("st.1", day("2025-01-01")), ("st.2", day("2025-03-30"))]),
            // st.1 held one in May; st.2 has held none since 30 March (62 days by 31 May).
            WeakSpotHistory.Month(period: period("2025-05"), values: [:], lastHeld: [("st.1", day("2025-05-20")), ("st.2", day("2025-03-30"))]),
        ]
        let history = WeakSpotHistory(rules: WeakSpotRules(settings: .defaults), districts: districts, months: months)
        #expect(history.steps[0].of(.noRecentSession).crossing.map(\.unitId) == ["st.1"])
        #expect(history.steps[0].of(.noRecentSession).opened.isEmpty, "already idle at the end of March")
        #expect(history.steps[1].of(.noRecentSession).closed.map(\.unitId) == ["st.1"])
        #expect(history.steps[1].of(.noRecentSession).opened.map(\.unitId) == ["st.2"])
    }

    @Test("sessions as of a past day: a site's last session by then, or the day it joined; not yet joined, left out")
    func sessionsAsOf() {
        let day = { (text: String) in ShanghaiDay(text) ?? ShanghaiDay(number: 0) }
        let sessions = SessionHistory(
            joined: ["st.1": day("2024-01-01"), "st.2": day("2024-06-01"), "st.3": day("2025-06-01")],
            held: ["st.1": [day("2024-02-10"), day("2024-05-31"), day("2025-01-15")], "unit-x": [day("2024-03-03")]])
        let april = sessions.asOf(day("2024-04-30"))
        #expect(april.lastHeld.map(\.unit) == ["st.1", "unit-x"], "st.2 and st.3 had not joined")
        #expect(april.lastHeld.first?.lastDay == day("2024-02-10") && april.neverHeld.isEmpty)
        let december = sessions.asOf(day("2024-12-31"))
        #expect(december.lastHeld.map(\.lastDay) == [day("2024-05-31"), day("2024-06-01"), day("2024-03-03")])
        #expect(december.neverHeld == ["st.2"])
    }

    @Test("with nothing before the first month, what crosses in it opens in it; no months, no steps")
    func firstMonth() {
        let months = [
            WeakSpotHistory.Month(period: period("2022-01"), values: [:]),
            WeakSpotHistory.Month(
                period: period("2022-01"),
                values: ["d1": month(booked: 10, activities: 20), "d2": month(booked: 80, activities: 20), "d3": month(booked: 80, activities: 20)]),
        ]
        let history = WeakSpotHistory(rules: WeakSpotRules(settings: .defaults), districts: districts, months: months)
        #expect(history.steps.count == 1 && history.opened == 1)
        #expect(WeakSpotHistory(rules: WeakSpotRules(settings: .defaults), districts: districts, months: []).steps.isEmpty)
    }
}
