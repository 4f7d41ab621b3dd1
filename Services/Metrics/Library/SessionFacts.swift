import KepuContracts
import KepuDomain

/// What metrics keeps of a session: where it sits in the unit hierarchy and the day it counts on. Never changes
/// after the session is created, so it can be cached.
struct SessionFacts: Sendable, Hashable {
    let sessionId: String
    let venueId: String
    let venueKind: VenueKind
    /// City first.
    let unitPath: [String]
    let day: ShanghaiDay
    let dedicated: Bool
    /// Every (unit, period) the session's numbers add to: each unit on its path, in each period its day is in.
    let groups: [CounterGroup]

    init(sessionId: String, venueId: String, venueKind: VenueKind, unitPath: [String], day: ShanghaiDay, dedicated: Bool) {
        self.sessionId = sessionId
        self.venueId = venueId
        self.venueKind = venueKind
        self.unitPath = unitPath
        self.day = day
        self.dedicated = dedicated
        groups = CounterGroup.counting(unitPath: unitPath, day: day)
    }

    /// From booking's session-created or session-changed: counted on the session's Shanghai day.
    init(published: SessionPublished) {
        self.init(
            sessionId: published.sessionId, venueId: published.venueId, venueKind: published.venueKind, unitPath: published.unitPath,
            day: ShanghaiDay(published.startsAt), dedicated: published.dedicated)
    }
}

/// One unit in one period: the rows a dashboard reads together.
public struct CounterGroup: Sendable, Hashable {
    public let unitId: String
    public let period: ReportingPeriod

    /// Where a session's numbers count: each unit on its path (city first), in each period its day is in. Public
    /// for the benchmark, which follows each event to the snapshots of these groups.
    public static func counting(unitPath: [String], day: ShanghaiDay) -> [CounterGroup] {
        let periods = ReportingPeriod.containing(day)
        return unitPath.flatMap { unit in periods.map { CounterGroup(unitId: unit, period: $0) } }
    }

    /// The same on every replica (unlike `hashValue`): orders row locks.
    var stableHash: UInt64 { fnv1a([unitId, period.kind.rawValue, period.key]) }

    /// The order `kpi_counter`'s rows are locked in, by every statement that locks several: the longest unit ids
    /// first (a registry id grows with its depth, so sites and communities come before districts and the city),
    /// then by `stableHash`. The rows every consumer updates (the city's, the districts') are then locked last, for
    /// the end of the statement and the commit only, not for all of it.
    var counterLockKey: UInt64 {
        (UInt64(255 - min(255, unitId.utf8.count)) << 56) | (stableHash >> 8)
    }
}

/// One counter row.
struct CounterKey: Sendable, Hashable {
    let group: CounterGroup
    let kpi: KPI

    var stableHash: UInt64 { fnv1a([group.unitId, group.period.kind.rawValue, group.period.key, kpi.rawValue]) }
}

/// FNV-1a over the parts, with a separator byte between them.
func fnv1a(_ parts: [String]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for part in parts {
        for byte in part.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        hash ^= 0x1f
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}

/// The level of the unit at `index` on a path (city first).
func unitLevel(atDepth index: Int) -> UnitLevel {
    UnitLevel.allCases[min(max(index, 0), UnitLevel.allCases.count - 1)]
}
