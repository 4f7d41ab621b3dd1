import Foundation
import KepuDomain

/// The CloudEvents types on `kepu.volunteer.events.v1`. None carries contact details or a resident id: a volunteer
/// is named by their volunteer id only.
public enum VolunteerEventType {
    public static let teamRecorded = "kepu.volunteer.team-recorded.v1"
    public static let volunteerRecorded = "kepu.volunteer.volunteer-recorded.v1"
    /// How many of a district's (or the city's) sites have their head registered as a volunteer.
    public static let siteHeadsCounted = "kepu.volunteer.site-heads-counted.v1"
    /// Residents' needs of one unit and theme, and how many were met.
    public static let needsAggregated = "kepu.volunteer.needs-aggregated.v1"
    public static let assignmentChanged = "kepu.volunteer.assignment-changed.v1"
    /// The answer to an event's volunteer needs: how many accepted and are offered, how many are still short.
    public static let eventStaffed = "kepu.volunteer.event-staffed.v1"
    /// An event still short of volunteers a configured time before it starts (raised once).
    public static let shortfallRaised = "kepu.volunteer.shortfall-raised.v1"
    public static let hoursRecorded = "kepu.volunteer.hours-recorded.v1"
    /// Raised once per volunteer and level.
    public static let starLevelReached = "kepu.volunteer.star-level-reached.v1"
    public static let requestRejected = "kepu.volunteer.request-rejected.v1"
    public static let all = [
        teamRecorded, volunteerRecorded, siteHeadsCounted, needsAggregated, assignmentChanged, eventStaffed, shortfallRaised, hoursRecorded,
        starLevelReached, requestRejected,
    ]
}

/// `kepu.volunteer.team-recorded.v1`: a branch team (分队) of the Tech Volunteer Service Corps (科技志愿服务总队).
public struct TeamRecord: Sendable, Hashable, Codable {
    public var teamId: String
    public var name: String
    /// The district (or the city) it is formed in, as a unit path, city first.
    public var unitPath: [String]
    /// The practice center it is formed at, when it is a center's team.
    public var centerSiteId: String?
    public var leaderVolunteerId: String?

    public init(teamId: String, name: String, unitPath: [String], centerSiteId: String?, leaderVolunteerId: String?) {
        self.teamId = teamId
        self.name = name
        self.unitPath = unitPath
        self.centerSiteId = centerSiteId
        self.leaderVolunteerId = leaderVolunteerId
    }
}

/// `kepu.volunteer.volunteer-recorded.v1`: a volunteer as matching sees them, without contact details.
public struct VolunteerRecord: Sendable, Hashable, Codable {
    public var volunteerId: String
    public var teamId: String
    public var role: VolunteerRole
    public var siteId: String?
    public var skills: [String]
    public var homeUnitPath: [String]
    public var active: Bool

    public init(volunteerId: String, teamId: String, role: VolunteerRole, siteId: String?, skills: [String], homeUnitPath: [String], active: Bool) {
        self.volunteerId = volunteerId
        self.teamId = teamId
        self.role = role
        self.siteId = siteId
        self.skills = skills
        self.homeUnitPath = homeUnitPath
        self.active = active
    }
}

/// `kepu.volunteer.site-heads-counted.v1`: of the active practice centers, institutes and stations in a unit (a
/// district, or the city), how many have their head registered. Keyed by the unit id.
public struct SiteHeadCoverage: Sendable, Hashable, Codable {
    public var unitId: String
    public var unitPath: [String]
    public var sites: Int
    public var sitesWithHead: Int

    public init(unitId: String, unitPath: [String], sites: Int, sitesWithHead: Int) {
        self.unitId = unitId
        self.unitPath = unitPath
        self.sites = sites
        self.sitesWithHead = sitesWithHead
    }
}

/// `kepu.volunteer.needs-aggregated.v1`: the needs surveyed in one unit for one theme. Keyed `unit/theme`.
public struct NeedsAggregate: Sendable, Hashable, Codable {
    public var unitId: String
    public var unitPath: [String]
    public var theme: String
    public var needs: Int
    public var people: Int
    /// Needs an event of the theme met (held at or near the unit within the window after the survey).
    public var met: Int

    public init(unitId: String, unitPath: [String], theme: String, needs: Int, people: Int, met: Int) {
        self.unitId = unitId
        self.unitPath = unitPath
        self.theme = theme
        self.needs = needs
        self.people = people
        self.met = met
    }
}

/// `kepu.volunteer.assignment-changed.v1`: an offer made, answered, expired or withdrawn; an assignment cancelled
/// or served. Keyed by the event id.
public struct AssignmentRecord: Sendable, Hashable, Codable {
    public var assignmentId: String
    public var eventId: String
    public var volunteerId: String
    public var status: AssignmentStatus
    public var startsAt: Date
    public var endsAt: Date
    /// While offered: when the answer is due.
    public var respondBy: Date?

    public init(assignmentId: String, eventId: String, volunteerId: String, status: AssignmentStatus, startsAt: Date, endsAt: Date, respondBy: Date?)
    {
        self.assignmentId = assignmentId
        self.eventId = eventId
        self.volunteerId = volunteerId
        self.status = status
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.respondBy = respondBy
    }
}

/// `kepu.volunteer.event-staffed.v1`: where an event's volunteer needs stand (outreach shows it on the event).
public struct EventStaffing: Sendable, Hashable, Codable {
    public var eventId: String
    public var sitePath: [String]
    public var needed: Int
    public var accepted: Int
    public var offered: Int
    /// needed − accepted − offered, never below 0.
    public var short: Int

    public init(eventId: String, sitePath: [String], needed: Int, accepted: Int, offered: Int, short: Int) {
        self.eventId = eventId
        self.sitePath = sitePath
        self.needed = needed
        self.accepted = accepted
        self.offered = offered
        self.short = short
    }
}

/// `kepu.volunteer.shortfall-raised.v1`: fewer volunteers accepted than the event needs, close to its start.
public struct VolunteerShortfall: Sendable, Hashable, Codable {
    public var eventId: String
    public var sitePath: [String]
    public var theme: String
    public var needed: Int
    public var accepted: Int
    public var startsAt: Date

    public init(eventId: String, sitePath: [String], theme: String, needed: Int, accepted: Int, startsAt: Date) {
        self.eventId = eventId
        self.sitePath = sitePath
        self.theme = theme
        self.needed = needed
        self.accepted = accepted
        self.startsAt = startsAt
    }
}

/// `kepu.volunteer.hours-recorded.v1`: a volunteer's service hours at one event, as recorded or verified. Keyed by
/// the volunteer id.
public struct ServiceHoursRecord: Sendable, Hashable, Codable {
    public var volunteerId: String
    public var teamId: String
    public var eventId: String
    public var minutes: Int
    public var status: HoursStatus
    /// The day of the event (yyyy-MM-dd, Shanghai).
    public var day: String

    public init(volunteerId: String, teamId: String, eventId: String, minutes: Int, status: HoursStatus, day: String) {
        self.volunteerId = volunteerId
        self.teamId = teamId
        self.eventId = eventId
        self.minutes = minutes
        self.status = status
        self.day = day
    }
}

/// `kepu.volunteer.star-level-reached.v1`
public struct StarLevelReached: Sendable, Hashable, Codable {
    public var volunteerId: String
    public var teamId: String
    public var level: StarLevel
    public var verifiedHours: Double

    public init(volunteerId: String, teamId: String, level: StarLevel, verifiedHours: Double) {
        self.volunteerId = volunteerId
        self.teamId = teamId
        self.level = level
        self.verifiedHours = verifiedHours
    }
}
