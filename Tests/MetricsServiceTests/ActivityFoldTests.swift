import Foundation
import KepuContracts
import KepuDomain
import Testing

@testable import MetricsService

@Suite("Activities: what an event's records add, and take back (pure)")
struct ActivityFoldTests {
    /// 2026-11-29 10:00 in Shanghai.
    let start = Date(timeIntervalSince1970: 1_795_917_600)

    func record(
        _ status: ActivityEventStatus, format: ActivityFormat = .lecture, site: String = "st.a", path: [String] = ["sz", "sz-futian"],
        attendance: (Int, Int)? = nil, cost: Int? = nil, campaigns: [String] = [], tour: String? = nil, day: Int = 0
    ) -> ActivityEventRecord {
        ActivityEventRecord(
            eventId: "e1", status: status, title: "Stars", siteId: site, siteKind: .station, sitePath: path, theme: "astronomy", format: format,
            campaigns: campaigns, startsAt: start.addingTimeInterval(Double(day) * 86_400),
            endsAt: start.addingTimeInterval(Double(day) * 86_400 + 3_600),
            costFen: cost, attendance: attendance.map { EventAttendance(checkedIn: $0.0, walkIns: $0.1, durationMinutes: 60) }, tourId: tour)
    }

    func state(_ record: ActivityEventRecord, rating: EventRating? = nil) -> ActivityState {
        var state = ActivityState()
        state.record(record)
        if let rating { state.rate(rating) }
        return state
    }

    @Test("a draft or published event counts nothing; held, it counts at its site and every unit above, in every period of its day")
    func heldCounts() {
        #expect(StateFold.deltas(before: [:], after: ["e1": state(record(.draft))]).isEmpty)
        #expect(StateFold.deltas(before: [:], after: ["e1": state(record(.published))]).isEmpty)
        let held = StateFold.deltas(
            before: [:], after: ["e1": state(record(.held, attendance: (30, 5), cost: 120_000, campaigns: ["science-day-2026"]))])
        for unit in ["sz", "sz-futian", "st.a"] {
            for period in ["day:2026-11-29", "month:2026-11", "year:2026"] {
                #expect(delta(held, unit, period, .activitiesHeld) == 1, "\(unit) \(period)")
                #expect(delta(held, unit, period, .activityParticipants) == 35)
                #expect(delta(held, unit, period, .lecturesHeld) == 1)
                #expect(delta(held, unit, period, .lectureParticipants) == 35)
                #expect(delta(held, unit, period, .campaignActivities) == 1)
                #expect(delta(held, unit, period, .activityCostFen) == 120_000)
                #expect(delta(held, unit, period, .visitsHeld) == 0)
            }
        }
        #expect(delta(held, "sz", "day:2026-11-30", .activitiesHeld) == 0, "another day")
    }

    @Test("each format counts on its own line: visits, reading, the mobile museum's stops")
    func formats() {
        let visit = StateFold.deltas(before: [:], after: ["e1": state(record(.held, format: .visit, attendance: (40, 0)))])
        #expect(delta(visit, "sz", "month:2026-11", .visitsHeld) == 1)
        #expect(delta(visit, "sz", "month:2026-11", .visitParticipants) == 40)
        #expect(delta(visit, "sz", "month:2026-11", .lecturesHeld) == 0)
        let reading = StateFold.deltas(before: [:], after: ["e1": state(record(.reported, format: .reading, attendance: (12, 3)))])
        #expect(delta(reading, "sz", "month:2026-11", .readingActivities) == 1)
        #expect(delta(reading, "sz", "month:2026-11", .readingParticipants) == 15)
        let stop = StateFold.deltas(before: [:], after: ["e1": state(record(.held, format: .exhibition, attendance: (0, 200), tour: "tour-1"))])
        #expect(delta(stop, "sz", "month:2026-11", .mobileMuseumStops) == 1)
        #expect(delta(stop, "sz", "month:2026-11", .mobileMuseumVisitors) == 200)
        let exhibition = StateFold.deltas(before: [:], after: ["e1": state(record(.held, format: .exhibition, attendance: (0, 200)))])
        #expect(delta(exhibition, "sz", "month:2026-11", .mobileMuseumStops) == 0, "an exhibition without a tour is no stop")
        #expect(delta(exhibition, "sz", "month:2026-11", .activitiesHeld) == 1)
    }

    @Test("a newer record moves the numbers by the difference; the same record again changes nothing")
    func differences() {
        let held = state(record(.held, attendance: (30, 5)))
        let reported = state(record(.reported, attendance: (30, 9), cost: 5_000))
        let change = StateFold.deltas(before: ["e1": held], after: ["e1": reported])
        #expect(delta(change, "st.a", "month:2026-11", .activitiesHeld) == 0, "still one activity")
        #expect(delta(change, "st.a", "month:2026-11", .activityParticipants) == 4)
        #expect(delta(change, "st.a", "month:2026-11", .activityCostFen) == 5_000)
        #expect(StateFold.deltas(before: ["e1": reported], after: ["e1": reported]).isEmpty)
        let cancelled = StateFold.deltas(before: ["e1": held], after: ["e1": state(record(.cancelled))])
        #expect(delta(cancelled, "sz", "month:2026-11", .activitiesHeld) == -1, "a held event cancelled afterwards is taken back")
        #expect(delta(cancelled, "sz", "month:2026-11", .activityParticipants) == -35)
        #expect(delta(cancelled, "sz", "month:2026-11", .activitiesCancelled) == 1)
    }

    @Test("moved to another site and day: taken back where it was counted, added where it is now")
    func moved() {
        let before = state(record(.held, attendance: (10, 0)))
        let after = state(record(.held, site: "st.n", path: ["sz", "sz-nanshan"], attendance: (10, 0), day: 3))
        let deltas = StateFold.deltas(before: ["e1": before], after: ["e1": after])
        #expect(delta(deltas, "st.a", "day:2026-11-29", .activitiesHeld) == -1)
        #expect(delta(deltas, "sz-futian", "month:2026-11", .activitiesHeld) == -1)
        #expect(delta(deltas, "st.n", "day:2026-12-02", .activitiesHeld) == 1)
        #expect(delta(deltas, "sz-nanshan", "month:2026-12", .activitiesHeld) == 1)
        #expect(delta(deltas, "sz", "month:2026-11", .activitiesHeld) == -1)
        #expect(delta(deltas, "sz", "month:2026-12", .activitiesHeld) == 1)
        #expect(delta(deltas, "sz", "year:2026", .activitiesHeld) == 0, "the city's year: moved within it")
    }

    @Test("ratings replace the last ones: their count and their points in hundredths; the mean is a rate over them")
    func ratings() {
        let first = state(record(.held), rating: EventRating(ratings: 4, average: 4.5))
        let deltas = StateFold.deltas(before: [:], after: ["e1": first])
        #expect(delta(deltas, "sz", "month:2026-11", .ratings) == 4)
        #expect(delta(deltas, "sz", "month:2026-11", .ratingPoints) == 1_800)
        let more = StateFold.deltas(before: ["e1": first], after: ["e1": state(record(.held), rating: EventRating(ratings: 5, average: 4.2))])
        #expect(delta(more, "sz", "month:2026-11", .ratings) == 1)
        #expect(delta(more, "sz", "month:2026-11", .ratingPoints) == 300)
        var values = KPIValues()
        values.counts = [.ratings: 5, .ratingPoints: 2_100, .activityCostFen: 10_000, .activityParticipants: 40]
        #expect(values.rate(.averageRating).value == 4.2)
        #expect(values.rate(.costPerParticipant).value == 250, "fen per participant")
        // A rating that arrives before the event's record waits for it (no unit to count it in yet).
        var early = ActivityState()
        early.rate(EventRating(ratings: 2, average: 5))
        #expect(StateFold.deltas(before: [:], after: ["e1": early]).isEmpty)
    }

    @Test("young people count as the site counted them at the door; the youth share is over every participant held")
    func youth() throws {
        var counted = record(.held, attendance: (30, 10))
        counted.attendance?.youth = 24
        let held = StateFold.deltas(before: [:], after: ["e1": state(counted)])
        #expect(delta(held, "sz", "year:2026", .youthParticipants) == 24)
        #expect(delta(held, "st.a", "day:2026-11-29", .youthParticipants) == 24)
        #expect(
            delta(StateFold.deltas(before: [:], after: ["e1": state(record(.held, attendance: (30, 10)))]), "sz", "year:2026", .youthParticipants)
                == 0)
        // Recounted when reported; cancelled afterwards, taken back.
        var recounted = counted
        recounted.status = .reported
        recounted.attendance?.youth = 20
        #expect(
            delta(StateFold.deltas(before: ["e1": state(counted)], after: ["e1": state(recounted)]), "sz", "month:2026-11", .youthParticipants) == -4)
        #expect(
            delta(
                StateFold.deltas(before: ["e1": state(counted)], after: ["e1": state(record(.cancelled))]), "sz", "month:2026-11", .youthParticipants)
                == -24)
        // An event held with a count and one without: the share is over both (an uncounted event counts no youth).
        var values = KPIValues()
        values.counts = [.youthParticipants: 24, .activityParticipants: 80]
        #expect(values.rate(.youthShare).value == 0.3)
        #expect(KPI.Rate.youthShare.isShare)
        // The 64th count: its change bit is the bigint's sign bit, and reads back.
        let mask = KPI.changeMask(of: [.youthParticipants: 1, .activitiesHeld: 1])
        #expect(mask < 0)
        #expect(KPI.changed(in: mask) == [.youthParticipants, .activitiesHeld])
        // A state saved before migration 15 (no youth key) decodes, and counts none.
        let old = try JSONDecoder().decode(
            ActivityState.self,
            from: Data(
                #"{"unitPath":["sz"],"participants":5,"costFen":0,"inCampaign":false,"tour":false,"ratings":0,"ratingPoints":0,"status":"held"}"#.utf8
            ))
        #expect(old.youth == nil && old.counts[.youthParticipants] == nil)
    }

    @Test("the counters' bits still fit in a bigint; migration 1's columns stay as they were")
    func columns() {
        #expect(KPI.counts.count <= 64)
        #expect(KPI.countsOfMigration1.count == 20)
    }

    @Test("themes count at the city, district and street by month and longer; a pairing's activities and visits by quarter")
    func themesAndPairings() {
        var visit = record(
            .held, format: .visit, path: ["sz", "sz-futian", "sz-futian-s1", "sz-futian-s1-c1"], attendance: (20, 0), campaigns: ["c"])
        visit.pairingId = "p1"
        let first = ActivityTallies.deltas(before: [:], after: ["e1": state(visit)])
        let month = ReportingPeriod(kind: .month, key: "2026-11")
        for unit in ["sz", "sz-futian", "sz-futian-s1"] {
            #expect(
                first.themes[.init(unitId: unit, period: month, theme: "astronomy")]
                    == .init(activities: 1, campaignActivities: 1, participants: 20), "\(unit)")
        }
        #expect(first.themes.keys.allSatisfy { $0.unitId != "sz-futian-s1-c1" && $0.unitId != "st.a" && $0.period.kind != .day })
        #expect(first.themes.count == 3 * 3, "month, quarter and year (2026 is in no phase) at three units")
        #expect(first.pairings == [.init(pairingId: "p1", quarter: "2026-Q4"): .init(activities: 1, visits: 1)])

        // The record corrected: another theme, a lecture, no pairing: taken back where it was, added where it is.
        var corrected = visit
        corrected.theme = "health"
        corrected.format = .lecture
        corrected.pairingId = nil
        let second = ActivityTallies.deltas(before: ["e1": state(visit)], after: ["e1": state(corrected)])
        #expect(
            second.themes[.init(unitId: "sz", period: month, theme: "astronomy")] == .init(activities: -1, campaignActivities: -1, participants: -20))
        #expect(second.themes[.init(unitId: "sz", period: month, theme: "health")] == .init(activities: 1, campaignActivities: 1, participants: 20))
        #expect(second.pairings == [.init(pairingId: "p1", quarter: "2026-Q4"): .init(activities: -1, visits: -1)])
        #expect(ActivityTallies.deltas(before: ["e1": state(visit)], after: ["e1": state(visit)]).themes.isEmpty, "a repeat adds nothing")
        #expect(ActivityTallies.deltas(before: [:], after: ["e1": state(record(.cancelled))]).themes.isEmpty, "only held activities count")
    }
}
