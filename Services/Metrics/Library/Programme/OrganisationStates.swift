import KepuContracts
import KepuDomain

/// A pairing (结对共建, by pairing id): active or not, counted at the base's unit when reported.
struct PairingState: CountedState {
    static let kind = "pairing"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var active = false
    /// What the pairing promised and for when (optional: states saved before migration 13 lack them).
    var partnerId: String?
    var from: String?
    var until: String?
    var activitiesPerQuarter: Int?
    var visitsPerQuarter: Int?

    mutating func record(_ pairing: PairingRecorded, on day: ShanghaiDay) {
        unitPath = pathToSite(pairing.basePath, pairing.baseId)
        self.day = day
        active = pairing.status == .active
        partnerId = pairing.partnerId
        (from, until) = (pairing.from, pairing.until)
        (activitiesPerQuarter, visitsPerQuarter) = (pairing.commitments.activitiesPerQuarter, pairing.commitments.visitsPerQuarter)
    }

    var counts: [KPI: Int64] { active ? [.pairingsActive: 1] : [:] }
}

/// An application to become a practice point (by application id): submitted once seen, approved while approved.
struct ApplicationState: CountedState {
    static let kind = "application"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var seen = false
    var approved = false

    mutating func record(_ step: ApplicationStep, on day: ShanghaiDay) {
        unitPath = pathToSite(step.unitPath, step.unitId)
        self.day = day
        seen = true
        approved = step.status == .approved
    }

    var counts: [KPI: Int64] {
        guard seen else { return [:] }
        return approved ? [.applicationsSubmitted: 1, .applicationsApproved: 1] : [.applicationsSubmitted: 1]
    }
}

/// A site's order of a programme (by order id): placed once seen, fulfilled once its event was held; and its
/// deadlines passed (each step's once).
struct OrderState: CountedState {
    static let kind = "order"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var placed = false
    var fulfilled = false
    /// The steps (status and deadline) that passed their deadline.
    var overdue: Set<String> = []

    mutating func record(_ order: OrderRecord, on day: ShanghaiDay) {
        unitPath = pathToSite(order.sitePath, order.siteId)
        self.day = day
        placed = true
        fulfilled = [.held, .reported, .reviewed, .closed].contains(order.status)
    }

    mutating func record(_ overdue: OrderOverdue, on day: ShanghaiDay) {
        if unitPath.isEmpty { unitPath = pathToSite(overdue.sitePath, overdue.siteId) }
        self.day = day
        // outreach raises each step's overdue once; a step is its status and deadline. At most a handful per order.
        if self.overdue.count < 64 { self.overdue.insert("\(overdue.status.rawValue)@\(overdue.deadline.timeIntervalSince1970)") }
    }

    var counts: [KPI: Int64] {
        var counts: [KPI: Int64] = [:]
        if placed { counts[.ordersPlaced] = 1 }
        if fulfilled { counts[.ordersFulfilled] = 1 }
        if !overdue.isEmpty { counts[.orderOverdueSteps] = Int64(overdue.count) }
        return counts
    }
}
