import Foundation
import KepuContracts
import KepuDomain
import Testing

@testable import MetricsService

@Suite("Books and online works: lots, stock, engagement, officers (pure)")
struct ContentLineTests {
    let monday = ShanghaiDay(year: 2026, month: 11, day: 30)
    let tuesday = ShanghaiDay(year: 2026, month: 12, day: 1)
    let futian = ["sz", "sz-futian"]

    @Test("a lot counts its copies when recorded and its allocations when shipped, at its district")
    func lots() {
        let titles = [TitleCopies(isbn: "9787020002207", copies: 60), TitleCopies(isbn: "9787544253994", copies: 40)]
        let plan = [
            LotAllocation(siteId: "st.a", isbn: "9787020002207", copies: 30), LotAllocation(siteId: "st.b", isbn: "9787020002207", copies: 30),
        ]
        func lot(_ status: LotStatus, on day: ShanghaiDay) -> LotState {
            var state = LotState()
            state.record(LotRecord(lotId: "lot-1", unitPath: futian, status: status, titles: titles, allocations: plan), on: day)
            return state
        }
        let recorded = StateFold.deltas(before: [:], after: ["lot-1": lot(.planned, on: monday)])
        #expect(delta(recorded, "sz-futian", "month:2026-11", .booksDonated) == 100)
        #expect(delta(recorded, "sz-futian", "month:2026-11", .booksDelivered) == 0)
        let shipped = StateFold.deltas(before: ["lot-1": lot(.approved, on: monday)], after: ["lot-1": lot(.shipped, on: tuesday)])
        #expect(delta(shipped, "sz", "month:2026-12", .booksDelivered) == 60)
        #expect(delta(shipped, "sz", "month:2026-12", .booksDonated) == 0, "donated once")
        #expect(StateFold.deltas(before: ["lot-1": lot(.shipped, on: tuesday)], after: ["lot-1": lot(.received, on: tuesday)]).isEmpty)
    }

    @Test("stock and loans are running totals at the site; a work's engagement belongs to its day; an officer counts once")
    func stockEngagementOfficers() {
        func stock(_ copies: Int, _ onLoan: Int, on day: ShanghaiDay) -> StockState {
            var state = StockState()
            state.record(StockRecord(siteId: "st.a", unitPath: futian, isbn: "9787020002207", copies: copies, onLoan: onLoan), on: day)
            return state
        }
        let received = StateFold.deltas(before: [:], after: ["st.a/x": stock(30, 0, on: monday)])
        #expect(delta(received, "st.a", "month:2026-11", .booksInStock) == 30, "the site is counted, below its path")
        let lent = StateFold.deltas(before: ["st.a/x": stock(30, 0, on: monday)], after: ["st.a/x": stock(30, 2, on: tuesday)])
        #expect(delta(lent, "sz", "month:2026-12", .booksOnLoan) == 2)
        #expect(delta(lent, "sz", "month:2026-12", .booksInStock) == 0)

        func engagement(views: Int64, reach: Int64) -> WorkEngagementState {
            var state = WorkEngagementState()
            state.record(
                EngagementRollUp(
                    workId: "w1", siteId: "st.a", unitPath: futian, day: "2026-11-30", views: views, completions: 3, shares: 1,
                    distinctVisitors: reach,
                    distinctVisitorsError: 0.008, flagged: 0))
            return state
        }
        let first = StateFold.deltas(before: [:], after: ["w1/st.a/2026-11-30": engagement(views: 10, reach: 7)])
        let later = StateFold.deltas(
            before: ["w1/st.a/2026-11-30": engagement(views: 10, reach: 7)], after: ["w1/st.a/2026-11-30": engagement(views: 25, reach: 12)])
        #expect(delta(first, "sz", "day:2026-11-30", .workViews) == 10)
        #expect(delta(later, "sz", "day:2026-11-30", .workViews) == 15, "a later roll-up adds what it grew by, on the work's day")
        #expect(delta(later, "st.a", "month:2026-11", .workReach) == 5)

        var officer = OfficerState()
        officer.record(OfficerScore(officerId: "o1", siteId: "st.a", unitPath: futian, points: 40, districtRank: 1, cityRank: 3), on: monday)
        var more = officer
        more.record(OfficerScore(officerId: "o1", siteId: "st.a", unitPath: futian, points: 70, districtRank: 1, cityRank: 2), on: tuesday)
        let joined = StateFold.deltas(before: [:], after: ["o1": officer])
        #expect(delta(joined, "sz-futian", "month:2026-11", .informationOfficers) == 1)
        let scored = StateFold.deltas(before: ["o1": officer], after: ["o1": more])
        #expect(delta(scored, "sz-futian", "month:2026-12", .officerPoints) == 30)
        #expect(delta(scored, "sz-futian", "month:2026-12", .informationOfficers) == 0, "an officer counts once")
    }

    @Test("content-supply's events are checked as they are read: ranges, paths and days")
    func validation() throws {
        #expect(throws: ContractViolation.self) {
            try StockRecord(siteId: "st.a", unitPath: futian, isbn: "9787020002207", copies: 3, onLoan: 4).validate()
        }
        #expect(throws: ContractViolation.self) {
            try EngagementRollUp(
                workId: "w1", siteId: "st.a", unitPath: futian, day: "2026-13-01", views: 1, completions: 0, shares: 0, distinctVisitors: 1,
                distinctVisitorsError: 0.01, flagged: 0
            ).validate()
        }
        #expect(throws: ContractViolation.self) {
            try EngagementRollUp(
                workId: "w1", siteId: "st.a", unitPath: futian, day: "2026-11-30", views: -1, completions: 0, shares: 0, distinctVisitors: 1,
                distinctVisitorsError: 0.01, flagged: 0
            ).validate()
        }
        #expect(throws: ContractViolation.self) {
            try OfficerScore(officerId: "o1", siteId: "st.a", unitPath: ["a|b"], points: 1, districtRank: 1, cityRank: 1).validate()
        }
        try StockRecord(siteId: "st.a", unitPath: [], isbn: "9787020002207", copies: 3, onLoan: 1).validate()
    }
}
