import Foundation
import KepuContracts
import KepuDomain
import Testing

@testable import MetricsService

@Suite("The volunteer corps' line: running totals and hours (pure)")
struct VolunteerLineTests {
    let monday = ShanghaiDay(year: 2026, month: 11, day: 30)
    let tuesday = ShanghaiDay(year: 2026, month: 12, day: 1)

    func volunteer(active: Bool = true, role: VolunteerRole = .volunteer, home: [String] = ["sz", "sz-futian"]) -> VolunteerRecord {
        VolunteerRecord(volunteerId: "v1", teamId: "t1", role: role, siteId: nil, skills: [], homeUnitPath: home, active: active)
    }

    func member(_ record: VolunteerRecord, on day: ShanghaiDay) -> VolunteerMembership {
        var state = VolunteerMembership()
        state.record(record, on: day)
        return state
    }

    @Test("joining counts +1 where and when reported, a repeat nothing, leaving −1 on its own day; a move shifts the total")
    func membership() {
        let joined = StateFold.deltas(before: [:], after: ["v1": member(volunteer(role: .siteHead), on: monday)])
        #expect(delta(joined, "sz", "month:2026-11", .volunteersRegistered) == 1)
        #expect(delta(joined, "sz-futian", "day:2026-11-30", .siteHeadsRegistered) == 1)
        let same = member(volunteer(role: .siteHead), on: tuesday)
        #expect(StateFold.deltas(before: ["v1": member(volunteer(role: .siteHead), on: monday)], after: ["v1": same]).isEmpty, "reported again")
        let left = StateFold.deltas(before: ["v1": member(volunteer(), on: monday)], after: ["v1": member(volunteer(active: false), on: tuesday)])
        #expect(delta(left, "sz", "month:2026-12", .volunteersRegistered) == -1, "left in December")
        #expect(delta(left, "sz", "month:2026-11", .volunteersRegistered) == 0, "November keeps its joiner")
        #expect(delta(left, "sz", "year:2026", .volunteersRegistered) == -1, "and the year's net is 0 with the join")
        let moved = StateFold.deltas(
            before: ["v1": member(volunteer(), on: monday)], after: ["v1": member(volunteer(home: ["sz", "sz-nanshan"]), on: tuesday)])
        #expect(delta(moved, "sz-futian", "month:2026-12", .volunteersRegistered) == -1)
        #expect(delta(moved, "sz-nanshan", "month:2026-12", .volunteersRegistered) == 1)
        #expect(delta(moved, "sz", "month:2026-12", .volunteersRegistered) == 0, "the city keeps its volunteer")
    }

    @Test("hours count once verified, on the day served, and move with a corrected record")
    func hours() {
        func hours(_ minutes: Int, _ status: HoursStatus, day: String = "2026-11-30") -> ServiceHours {
            var state = ServiceHours()
            state.record(
                ServiceHoursRecord(volunteerId: "v1", teamId: "t1", eventId: "e1", minutes: minutes, status: status, day: day),
                home: ["sz", "sz-futian"])
            return state
        }
        #expect(StateFold.deltas(before: [:], after: ["v1/e1": hours(120, .pending)]).isEmpty, "pending hours count nothing")
        let verified = StateFold.deltas(before: ["v1/e1": hours(120, .pending)], after: ["v1/e1": hours(150, .verified)])
        #expect(delta(verified, "sz-futian", "day:2026-11-30", .verifiedServiceMinutes) == 150)
        let corrected = StateFold.deltas(before: ["v1/e1": hours(150, .verified)], after: ["v1/e1": hours(90, .verified, day: "2026-12-01")])
        #expect(delta(corrected, "sz", "month:2026-11", .verifiedServiceMinutes) == -150)
        #expect(delta(corrected, "sz", "month:2026-12", .verifiedServiceMinutes) == 90)
    }

    @Test("needs and staffing are running totals: each report adds its growth on its day; the rates divide them")
    func runningTotals() {
        func needs(_ needs: Int, _ met: Int, on day: ShanghaiDay) -> NeedsState {
            var state = NeedsState()
            state.record(
                NeedsAggregate(unitId: "sz-futian-c1", unitPath: ["sz", "sz-futian"], theme: "health", needs: needs, people: needs, met: met), on: day
            )
            return state
        }
        let first = StateFold.deltas(before: [:], after: ["c1/health": needs(10, 2, on: monday)])
        #expect(delta(first, "sz-futian-c1", "month:2026-11", .needsSubmitted) == 10, "the unit itself counts")
        #expect(delta(first, "sz", "month:2026-11", .needsMet) == 2)
        let later = StateFold.deltas(before: ["c1/health": needs(10, 2, on: monday)], after: ["c1/health": needs(12, 7, on: tuesday)])
        #expect(delta(later, "sz", "month:2026-12", .needsSubmitted) == 2)
        #expect(delta(later, "sz", "month:2026-12", .needsMet) == 5)
        #expect(delta(later, "sz", "month:2026-11", .needsSubmitted) == 0, "November keeps what it had")

        var staffing = EventStaffingState()
        staffing.record(
            EventStaffing(eventId: "e1", sitePath: ["sz", "sz-futian", "st.a"], needed: 4, accepted: 1, offered: 3, short: 0), on: monday)
        var short = staffing
        short.record(
            VolunteerShortfall(eventId: "e1", sitePath: ["sz", "sz-futian", "st.a"], theme: "health", needed: 4, accepted: 1, startsAt: Date()),
            on: monday)
        let deltas = StateFold.deltas(before: ["e1": staffing], after: ["e1": short])
        #expect(delta(deltas, "st.a", "month:2026-11", .volunteerShortfalls) == 1)
        #expect(delta(deltas, "st.a", "month:2026-11", .volunteersNeeded) == 0, "asked for once")
        var values = KPIValues()
        values.counts = [.volunteersNeeded: 4, .volunteersAccepted: 3, .needsSubmitted: 12, .needsMet: 3]
        #expect(values.rate(.staffingRate).value == 0.75)
        #expect(values.rate(.needsMetRate).value == 0.25)
    }

    @Test("every count is created by exactly one migration, in order, and the bits fit")
    func columns() {
        #expect(
            KPI.countsOfMigration1 + KPI.activityCounts + KPI.volunteerCounts + KPI.contentCounts + KPI.organisationCounts + KPI.staffingCounts
                + KPI.youthCounts == KPI.counts)
        #expect(KPI.counts.count <= 64)
    }

    @Test("staffing coverage is a level: a site counts where and when it became a staffed practice site, and stops when retired")
    func staffingLevels() {
        let path = ["sz", "sz-futian", "center.futian"]
        func site(_ practice: Bool, _ staffed: Bool, on day: ShanghaiDay, at unitPath: [String] = path, from state: SiteStaffing = SiteStaffing())
            -> SiteStaffing
        {
            var state = state
            state.update(practice: practice, staffed: staffed, unitPath: unitPath, on: day)
            return state
        }
        let registered = site(true, false, on: monday)
        let joined = StateFold.deltas(before: [:], after: ["c": registered])
        #expect(delta(joined, "sz", "month:2026-11", .practiceSites) == 1)
        #expect(delta(joined, "sz", "month:2026-11", .staffedSites) == 0)
        let staffed = site(true, true, on: tuesday, from: registered)
        let head = StateFold.deltas(before: ["c": registered], after: ["c": staffed])
        #expect(delta(head, "sz-futian", "month:2026-12", .staffedSites) == 1, "counted on the day the head came")
        #expect(delta(head, "sz-futian", "month:2026-12", .practiceSites) == 0)
        #expect(site(true, true, on: tuesday.advanced(by: 5), from: staffed) == staffed, "read again later: nothing moves, not even the day")
        let retired = site(false, false, on: tuesday.advanced(by: 7), from: staffed)
        let gone = StateFold.deltas(before: ["c": staffed], after: ["c": retired])
        #expect(delta(gone, "sz", "month:2026-12", .practiceSites) == -1)
        #expect(delta(gone, "sz", "month:2026-12", .staffedSites) == -1)
        let moved = site(true, true, on: tuesday.advanced(by: 8), at: ["sz", "sz-nanshan", "center.futian"], from: staffed)
        let move = StateFold.deltas(before: ["c": staffed], after: ["c": moved])
        #expect(delta(move, "sz-futian", "month:2026-12", .staffedSites) == -1)
        #expect(delta(move, "sz-nanshan", "month:2026-12", .staffedSites) == 1)
        #expect(delta(move, "sz", "month:2026-12", .staffedSites) == 0, "the city keeps it")
        #expect(KPI.practiceSites.isLevel && KPI.staffedSites.isLevel)
    }
}
