import Foundation
import KepuContracts
import KepuDomain
import Testing

@testable import MetricsService

@Suite("Pairings, applications and orders (pure)")
struct OrganisationLineTests {
    let monday = ShanghaiDay(year: 2026, month: 11, day: 30)
    let tuesday = ShanghaiDay(year: 2026, month: 12, day: 1)
    let futian = ["sz", "sz-futian"]

    @Test("an order counts placed once, fulfilled once held, and each overdue step once; the fulfilment rate divides them")
    func orders() {
        func order(_ status: OrderStatus) -> OrderRecord {
            OrderRecord(
                orderId: "o1", status: status, siteId: "st.a", sitePath: futian, programmeId: "p", providerId: nil, from: "2026-11-30",
                until: "2026-12-31",
                expectedAudience: 30, eventId: nil, step: status.rawValue, actor: "a", actorRole: "site_admin", at: Date(), reason: nil,
                deadline: nil,
                rating: nil)
        }
        var placed = OrderState()
        placed.record(order(.placed), on: monday)
        var late = placed
        let overdue = OrderOverdue(
            orderId: "o1", status: .placed, siteId: "st.a", sitePath: futian, providerId: nil, deadline: Date(timeIntervalSince1970: 0))
        late.record(overdue, on: tuesday)
        var again = late
        again.record(overdue, on: tuesday)
        var held = again
        held.record(order(.held), on: tuesday)
        var closed = held
        closed.record(order(.closed), on: tuesday)
        #expect(delta(StateFold.deltas(before: [:], after: ["o1": placed]), "st.a", "month:2026-11", .ordersPlaced) == 1)
        #expect(delta(StateFold.deltas(before: ["o1": placed], after: ["o1": late]), "sz", "month:2026-12", .orderOverdueSteps) == 1)
        #expect(StateFold.deltas(before: ["o1": late], after: ["o1": again]).isEmpty, "raised again: counted once")
        let fulfilled = StateFold.deltas(before: ["o1": again], after: ["o1": held])
        #expect(delta(fulfilled, "sz", "month:2026-12", .ordersFulfilled) == 1)
        #expect(delta(fulfilled, "sz", "month:2026-12", .ordersPlaced) == 0)
        #expect(StateFold.deltas(before: ["o1": held], after: ["o1": closed]).isEmpty, "closed: still one fulfilled")
        var values = KPIValues()
        values.counts = [.ordersPlaced: 4, .ordersFulfilled: 3]
        #expect(values.rate(.orderFulfilment).value == 0.75)
    }

    @Test("a pairing counts while active; an application when submitted, and again when approved")
    func pairingsAndApplications() {
        func pairing(_ status: PairingStatus) -> PairingRecorded {
            PairingRecorded(
                pairingId: "p1", baseId: "base-1", basePath: futian, partnerId: "c1", partnerPath: futian, from: "2026-11-01", until: "2027-10-31",
                commitments: PairingCommitments(activitiesPerQuarter: 2, visitsPerQuarter: 1), status: status)
        }
        var active = PairingState()
        active.record(pairing(.active), on: monday)
        var ended = active
        ended.record(pairing(.ended), on: tuesday)
        #expect(delta(StateFold.deltas(before: [:], after: ["p1": active]), "base-1", "month:2026-11", .pairingsActive) == 1)
        #expect(delta(StateFold.deltas(before: ["p1": active], after: ["p1": ended]), "sz-futian", "month:2026-12", .pairingsActive) == -1)

        func step(_ status: ApplicationStatus) -> ApplicationStep {
            ApplicationStep(
                applicationId: "a1", status: status, siteName: "s", unitId: "sz-futian-c1", unitPath: futian, actor: "x", actorRole: "city_admin",
                at: Date(), comment: nil, inspectionDay: nil, practicePointId: nil, validUntil: nil)
        }
        var submitted = ApplicationState()
        submitted.record(step(.submitted), on: monday)
        var approved = submitted
        approved.record(step(.approved), on: tuesday)
        #expect(delta(StateFold.deltas(before: [:], after: ["a1": submitted]), "sz-futian-c1", "month:2026-11", .applicationsSubmitted) == 1)
        let approval = StateFold.deltas(before: ["a1": submitted], after: ["a1": approved])
        #expect(delta(approval, "sz", "month:2026-12", .applicationsApproved) == 1)
        #expect(delta(approval, "sz", "month:2026-12", .applicationsSubmitted) == 0)
    }
}
