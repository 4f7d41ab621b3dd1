import KepuContracts
import KepuDomain

/// A volunteer's membership as metrics counts it (by volunteer id): registered and active, a site head or not,
/// where they live. A running total: joining counts +1 where and when reported, leaving −1.
struct VolunteerMembership: CountedState {
    static let kind = "volunteer"
    static let counting = StateCounting.accrues

    /// The volunteer's home unit path (city first).
    var unitPath: [String] = []
    /// The day of the last report.
    var day: ShanghaiDay?
    var active = false
    var siteHead = false

    mutating func record(_ record: VolunteerRecord, on day: ShanghaiDay) {
        unitPath = record.homeUnitPath
        self.day = day
        active = record.active
        siteHead = record.role == .siteHead
    }

    var counts: [KPI: Int64] {
        guard active else { return [:] }
        return siteHead ? [.volunteersRegistered: 1, .siteHeadsRegistered: 1] : [.volunteersRegistered: 1]
    }
}

/// A volunteer's service hours at one event (by `volunteer/event`): counted once verified, on the day served, at
/// the volunteer's home unit as known when the hours were reported.
struct ServiceHours: CountedState {
    static let kind = "hours"
    static let counting = StateCounting.moves

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var verifiedMinutes: Int64 = 0

    static func id(_ record: ServiceHoursRecord) -> String { "\(record.volunteerId)/\(record.eventId)" }

    mutating func record(_ record: ServiceHoursRecord, home: [String]) {
        unitPath = home
        day = ShanghaiDay(record.day)
        // Validated to 0...FieldLimit.minutes at decode.
        verifiedMinutes = record.status == .verified ? Int64(record.minutes) : 0
    }

    var counts: [KPI: Int64] { verifiedMinutes > 0 ? [.verifiedServiceMinutes: verifiedMinutes] : [:] }
}

/// A star level a volunteer reached (by `volunteer/level`): raised once, counted where the volunteer lives, when
/// reported.
struct StarLevelState: CountedState {
    static let kind = "star-level"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var reached = false

    static func id(_ event: StarLevelReached) -> String { "\(event.volunteerId)/\(event.level.rawValue)" }

    var counts: [KPI: Int64] { reached ? [.starLevelsReached: 1] : [:] }
}

/// An activity's staffing (by event id): volunteers asked for and accepted, as the volunteer service last
/// answered; and whether a shortfall was raised. Growth counts where the activity is, when reported.
struct EventStaffingState: CountedState {
    static let kind = "staffing"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var needed: Int64 = 0
    var accepted: Int64 = 0
    var shortfall = false

    mutating func record(_ staffing: EventStaffing, on day: ShanghaiDay) {
        unitPath = staffing.sitePath
        self.day = day
        needed = Int64(staffing.needed)
        accepted = Int64(staffing.accepted)
    }

    mutating func record(_ shortfall: VolunteerShortfall, on day: ShanghaiDay) {
        unitPath = shortfall.sitePath
        self.day = day
        self.shortfall = true
    }

    var counts: [KPI: Int64] {
        var counts: [KPI: Int64] = [.volunteersNeeded: needed, .volunteersAccepted: accepted]
        if shortfall { counts[.volunteerShortfalls] = 1 }
        return counts.filter { $0.value != 0 }
    }
}

/// Residents' needs surveyed in one unit for one theme (by `unit/theme`), and how many an activity met: running
/// totals, their growth counted at the unit (and above it) when reported.
struct NeedsState: CountedState {
    static let kind = "needs"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var needs: Int64 = 0
    var met: Int64 = 0

    static func id(_ aggregate: NeedsAggregate) -> String { "\(aggregate.unitId)/\(aggregate.theme)" }

    mutating func record(_ aggregate: NeedsAggregate, on day: ShanghaiDay) {
        // The aggregate's path ends above its unit or at it; the unit is counted either way, once.
        unitPath = aggregate.unitPath.last == aggregate.unitId ? aggregate.unitPath : aggregate.unitPath + [aggregate.unitId]
        self.day = day
        needs = Int64(aggregate.needs)
        met = Int64(aggregate.met)
    }

    var counts: [KPI: Int64] { [.needsSubmitted: needs, .needsMet: met].filter { $0.value != 0 } }
}
