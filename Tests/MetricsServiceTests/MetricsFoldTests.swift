import Foundation
import KepuContracts
import KepuDomain
import Testing

@testable import MetricsService

@Suite("KPI arithmetic")
struct MetricsFoldTests {
    let session = SessionFacts(
        sessionId: "s1", venueId: "v1", venueKind: .practiceSite, unitPath: ["sz", "sz-futian"], day: ShanghaiDay(year: 2026, month: 11, day: 29),
        dedicated: false)

    func value(_ fold: MetricsFold, _ unit: String, _ period: String, _ kpi: KPI) -> Int64 {
        fold.deltas.first { $0.key.group.unitId == unit && $0.key.group.period.description == period && $0.key.kpi == kpi }?.value ?? 0
    }

    @Test("each event adds to the right counters, on every unit of the path and every period of the session's day")
    func counters() {
        var fold = MetricsFold()
        fold.offer(session, newSession: true, capacityChange: 10, at: 1000)
        fold.fold(
            .confirmed(
                BookingConfirmed(
                    requestId: "r1", bookingId: "b1", sessionId: "s1", venueId: "v1", seats: 2, partyKind: .individual, residentId: "res-1")),
            session: session, at: 1001)
        fold.fold(
            .confirmed(BookingConfirmed(requestId: "r2", bookingId: "b2", sessionId: "s1", venueId: "v1", seats: 6, partyKind: .group, unitId: "u")),
            session: session, at: 1002)
        fold.fold(.waitlisted(sessionId: "s1"), session: session, at: 1003)
        fold.fold(
            .cancelled(BookingCancelled(requestId: "r3", bookingId: "b1", sessionId: "s1", seatsFreed: 2, late: true)), session: session, at: 1004)
        fold.fold(
            .promoted(BookingPromoted(bookingId: "b3", sessionId: "s1", seats: 2, requestedSeats: 2, partyKind: .individual, residentId: "res-3")),
            session: session, at: 1005)
        fold.fold(
            .promoted(BookingPromoted(bookingId: "b4", sessionId: "s1", seats: 4, requestedSeats: 5, partyKind: .group, unitId: "u")),
            session: session, at: 1005)
        fold.fold(.checkedIn(BookingCheckedIn(requestId: "r4", bookingId: "b2", sessionId: "s1", seats: 6)), session: session, at: 1006)
        fold.fold(.noShow(NoShowRecorded(bookingId: "b3", sessionId: "s1", seats: 2, lateCancellation: false)), session: session, at: 1007)
        fold.fold(.rejected(sessionId: "s1", reason: .full), session: session, at: 1008)
        fold.fold(
            .confirmed(BookingConfirmed(requestId: "r9", bookingId: "b9", sessionId: "s9", venueId: "v9", seats: 1, partyKind: .individual)),
            session: nil, at: 1009)

        for unit in ["sz", "sz-futian"] {
            for period in ["day:2026-11-29", "week:2026-W48", "month:2026-11", "quarter:2026-Q4", "year:2026"] {
                #expect(value(fold, unit, period, KPI.sessionsOffered) == 1)
                #expect(value(fold, unit, period, KPI.seatsOffered) == 10)
                #expect(value(fold, unit, period, KPI.bookingsConfirmed) == 2)
                #expect(value(fold, unit, period, KPI.seatsConfirmed) == 8)
                #expect(value(fold, unit, period, KPI.groupBookings) == 2, "one confirmed, one promoted (partially)")
                #expect(value(fold, unit, period, KPI.groupHeadcount) == 10)
                #expect(value(fold, unit, period, KPI.bookingsMade) == 4, "two confirmed + two promoted")
                #expect(value(fold, unit, period, KPI.seatsBooked) == 12, "2 + 6 − 2 released + 2 + 4 promoted")
                #expect(value(fold, unit, period, KPI.cancelledLate) == 1)
                #expect(value(fold, unit, period, KPI.cancelledOnTime) == 0)
                #expect(value(fold, unit, period, KPI.checkIns) == 1)
                #expect(value(fold, unit, period, KPI.noShows) == 1)
                #expect(value(fold, unit, period, KPI.rejectedFull) == 1)
            }
        }
        #expect(fold.unattributed == 1, "the event for a session metrics never saw is not counted anywhere")
        #expect(
            fold.reached.count == 6 && fold.reached.values.allSatisfy { Set($0) == [ReachSketch.hash("res-1"), ReachSketch.hash("res-3")] },
            "the individual residents (confirmed or promoted), in months, quarters and years")
        #expect(fold.earliestEvent.values.allSatisfy { $0 == 1000 })
        #expect(fold.sessionDeltas["s1"] == MetricsFold.SessionTally(seatsBooked: 12, bookingsMade: 4, checkIns: 1, noShows: 1))
    }

    @Test("a KPI is compared and hashed by case: its position is its index among the counts, its tag one byte")
    func kpiPositions() {
        #expect(MemoryLayout<KPI>.size == 1)
        #expect(KPI.counts.enumerated().allSatisfy { $0.offset == $0.element.position })
        #expect(Set(KPI.counts).count == KPI.counts.count)
        #expect(KPI.sessionsOffered != KPI.seatsOffered && KPI.youthParticipants == KPI(rawValue: "youth_participants"))
        let mask = KPI.changeMask(of: [.sessionsOffered: 1, .seatsOffered: 0, .youthParticipants: -2])
        #expect(mask == 1 | (1 << Int64(KPI.youthParticipants.position)))
        #expect(KPI.changed(in: mask) == [.sessionsOffered, .youthParticipants])
    }

    @Test("rates keep numerator and denominator; no denominator gives 0 of 0")
    func rates() {
        var values = KPIValues()
        values.counts = [KPI.seatsBooked: 30, KPI.seatsOffered: 40, KPI.noShows: 1, KPI.bookingsMade: 4]
        #expect(values.rate(KPI.Rate.fillRate) == (0.75, 30, 40))
        #expect(values.rate(KPI.Rate.noShowRate) == (0.25, 1, 4))
        #expect(values.rate(KPI.Rate.waitlistConversion) == (0, 0, 0))
    }

    @Test("the reach sketch counts distinct residents within its documented error, whatever the order")
    func reach() {
        var small = ReachSketch()
        for id in 0..<1000 { small.insert("res-\(id)") }
        for id in 0..<1000 { small.insert("res-\(id)") }
        #expect(abs(small.estimate - 1000) <= 35, "linear counting (σ ≈ 1.1 % at 1,000): \(small.estimate)")
        var large = ReachSketch()
        var reversed = ReachSketch()
        for id in 0..<100_000 { large.insert("res-\(id)") }
        for id in (0..<100_000).reversed() { reversed.insert("res-\(id)") }
        #expect(abs(Double(large.estimate) - 100_000) / 100_000 < 0.05, "HyperLogLog: \(large.estimate)")
        #expect(large == reversed)
        #expect(ReachSketch(bytes: large.registers) == large)
    }

    @Test("weak-spot rules: peers, idle sites, no-shows and overflow")
    func rules() {
        let rules = WeakSpotRules(settings: .defaults)
        func values(_ counts: [KPI: Int64]) -> KPIValues {
            var v = KPIValues()
            v.counts = counts
            return v
        }
        let today = ShanghaiDay(year: 2026, month: 11, day: 29)
        let measurements = rules.measure(
            totals: [
                "d1": values([KPI.seatsBooked: 80, KPI.seatsOffered: 100]), "d2": values([KPI.seatsBooked: 70, KPI.seatsOffered: 100]),
                "d3": values([KPI.seatsBooked: 20, KPI.seatsOffered: 100, KPI.noShows: 6, KPI.bookingsMade: 20]),
                "c1": values([KPI.noShows: 5, KPI.bookingsMade: 19, KPI.rejectedFull: 20]),
            ],
            districts: ["d1", "d2", "d3"], lastHeld: [("site-a", today.advanced(by: -61)), ("site-b", today.advanced(by: -60))], today: today)
        let keys = Set(measurements.filter(\.crossed).map { "\($0.rule)|\($0.unitId)" })
        #expect(keys == ["low_fill_rate|d3", "no_recent_session|site-a", "high_no_show_rate|d3", "waitlist_overflow|c1"])
        // Units that do not cross are measured too (a resolved alert reports their numbers).
        #expect(measurements.contains { $0.rule == .lowFillRate && $0.unitId == "d1" && !$0.crossed && abs($0.value - 0.8) < 1e-9 })
        #expect(measurements.contains { $0.rule == .noRecentSession && $0.unitId == "site-b" && !$0.crossed && $0.value == 60 })
    }
}
