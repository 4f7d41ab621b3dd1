import KepuDomain

/// What metrics keeps of a session: where it sits in the unit hierarchy and the day it counts on. Never changes
/// after the session is created, so it can be cached.
struct SessionFacts: Sendable, Hashable {
    let sessionId: String
    let venueId: String
    let venueKind: String
    /// City first.
    let unitPath: [String]
    let day: ShanghaiDay
    let dedicated: Bool
    /// Every (unit, period) the session's numbers add to: each unit on its path, in each period its day is in.
    let groups: [CounterGroup]

    init(sessionId: String, venueId: String, venueKind: String, unitPath: [String], day: ShanghaiDay, dedicated: Bool) {
        self.sessionId = sessionId
        self.venueId = venueId
        self.venueKind = venueKind
        self.unitPath = unitPath
        self.day = day
        self.dedicated = dedicated
        let periods = ReportingPeriod.containing(day)
        groups = unitPath.flatMap { unit in periods.map { CounterGroup(unitId: unit, period: $0) } }
    }
}

/// One unit in one period: the rows a dashboard reads together.
struct CounterGroup: Sendable, Hashable {
    let unitId: String
    let period: ReportingPeriod
}

/// One counter row.
struct CounterKey: Sendable, Hashable {
    let group: CounterGroup
    let kpi: String
}

/// The level of the unit at `index` on a path (city first).
func unitLevel(atDepth index: Int) -> UnitLevel {
    UnitLevel.allCases[min(max(index, 0), UnitLevel.allCases.count - 1)]
}
