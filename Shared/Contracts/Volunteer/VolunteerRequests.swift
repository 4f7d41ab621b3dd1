import Foundation
import KepuDomain

/// What frontends publish on `kepu.volunteer.requests.v1`, each keyed by the volunteer's id (one volunteer's
/// requests are applied in order).
public enum VolunteerRequestType {
    /// Registers a volunteer, or replaces the profile of a registered one.
    public static let registrationSubmitted = "kepu.volunteer.registration-submitted.v1"
    /// A needs survey (需求调查): what residents of a unit need.
    public static let needSubmitted = "kepu.volunteer.need-submitted.v1"
    /// A volunteer accepts or declines an offer.
    public static let offerAnswered = "kepu.volunteer.offer-answered.v1"
    /// A volunteer signs up to an event's open volunteer role.
    public static let roleSignedUp = "kepu.volunteer.role-signed-up.v1"
    /// A volunteer's check-in and check-out at an event.
    public static let shiftReported = "kepu.volunteer.shift-reported.v1"
    public static let all = [registrationSubmitted, needSubmitted, offerAnswered, roleSignedUp, shiftReported]
}

/// A weekly window, Shanghai time: ISO weekday (1 Monday ... 7 Sunday) and the hours within it ("HH:mm").
public struct WeeklyWindow: Sendable, Hashable, Codable {
    public var weekday: Int
    public var from: String
    public var until: String

    public init(weekday: Int, from: String, until: String) {
        self.weekday = weekday
        self.from = from
        self.until = until
    }
}

/// A qualification and the last day it is valid (yyyy-MM-dd).
public struct HeldQualification: Sendable, Hashable, Codable {
    public var kind: Qualification
    public var expiresOn: String

    public init(kind: Qualification, expiresOn: String) {
        self.kind = kind
        self.expiresOn = expiresOn
    }
}

/// `kepu.volunteer.registration-submitted.v1`: the whole profile (a later one replaces it). Name and phone are
/// contact details: they stay in volunteer's database and admin API. The volunteer's app draws a claim token and
/// sends its hash (`ClaimToken`); every later request of the volunteer presents the token, and a later profile
/// presents the one it replaces.
public struct RegistrationSubmitted: Sendable, Hashable, Codable {
    public var requestId: String
    public var volunteerId: String
    /// SHA-256 of the volunteer's claim token (kept by their app, never published).
    public var claimTokenHash: String
    /// The current claim token, when the volunteer is registered already.
    public var claimToken: String?
    public var residentId: String
    public var teamId: String
    public var role: VolunteerRole
    /// For a site head: the site they run.
    public var siteId: String?
    public var name: String
    public var phone: String?
    /// Skill codes (`GET /api/skills`): the menu's themes and formats and a few general ones.
    public var skills: [String]
    public var qualifications: [HeldQualification]
    /// The unit the volunteer lives or works in.
    public var homeUnitId: String
    /// The units they will serve (their home district when empty).
    public var serveUnitIds: [String]
    public var availability: [WeeklyWindow]
    /// Days they are away (yyyy-MM-dd).
    public var blackoutDates: [String]
    public var monthlyHoursCap: Int

    public init(
        requestId: String, volunteerId: String, claimTokenHash: String, claimToken: String? = nil, residentId: String, teamId: String,
        role: VolunteerRole, siteId: String? = nil, name: String,
        phone: String? = nil, skills: [String], qualifications: [HeldQualification] = [], homeUnitId: String, serveUnitIds: [String] = [],
        availability: [WeeklyWindow], blackoutDates: [String] = [], monthlyHoursCap: Int
    ) {
        self.requestId = requestId
        self.volunteerId = volunteerId
        self.claimTokenHash = claimTokenHash
        self.claimToken = claimToken
        self.residentId = residentId
        self.teamId = teamId
        self.role = role
        self.siteId = siteId
        self.name = name
        self.phone = phone
        self.skills = skills
        self.qualifications = qualifications
        self.homeUnitId = homeUnitId
        self.serveUnitIds = serveUnitIds
        self.availability = availability
        self.blackoutDates = blackoutDates
        self.monthlyHoursCap = monthlyHoursCap
    }
}

/// `kepu.volunteer.need-submitted.v1`: residents' need (摸清市民生产生活需求) a site head or volunteer found in a unit.
public struct NeedSubmitted: Sendable, Hashable, Codable {
    public var requestId: String
    public var needId: String
    /// Who found it (the record's key).
    public var volunteerId: String
    /// The volunteer's claim token.
    public var claimToken: String
    public var unitId: String
    /// A theme code, as on the activity menu.
    public var theme: String
    public var audience: AgeBand
    public var people: Int
    public var preferredTimes: [WeeklyWindow]

    public init(
        requestId: String, needId: String, volunteerId: String, claimToken: String, unitId: String, theme: String, audience: AgeBand, people: Int,
        preferredTimes: [WeeklyWindow] = []
    ) {
        self.requestId = requestId
        self.needId = needId
        self.volunteerId = volunteerId
        self.claimToken = claimToken
        self.unitId = unitId
        self.theme = theme
        self.audience = audience
        self.people = people
        self.preferredTimes = preferredTimes
    }
}

/// `kepu.volunteer.offer-answered.v1`
public struct OfferAnswered: Sendable, Hashable, Codable {
    public var requestId: String
    public var volunteerId: String
    /// The volunteer's claim token.
    public var claimToken: String
    public var offerId: String
    public var accept: Bool

    public init(requestId: String, volunteerId: String, claimToken: String, offerId: String, accept: Bool) {
        self.requestId = requestId
        self.volunteerId = volunteerId
        self.claimToken = claimToken
        self.offerId = offerId
        self.accept = accept
    }
}

/// `kepu.volunteer.role-signed-up.v1`: taken at once when the volunteer fits and a place is open.
public struct RoleSignedUp: Sendable, Hashable, Codable {
    public var requestId: String
    public var volunteerId: String
    /// The volunteer's claim token.
    public var claimToken: String
    public var eventId: String

    public init(requestId: String, volunteerId: String, claimToken: String, eventId: String) {
        self.requestId = requestId
        self.volunteerId = volunteerId
        self.claimToken = claimToken
        self.eventId = eventId
    }
}

/// `kepu.volunteer.shift-reported.v1`: when the volunteer checked in and out; their hours come from it.
public struct ShiftReported: Sendable, Hashable, Codable {
    public var requestId: String
    public var volunteerId: String
    /// The volunteer's claim token.
    public var claimToken: String
    public var eventId: String
    public var checkIn: Date
    public var checkOut: Date

    public init(requestId: String, volunteerId: String, claimToken: String, eventId: String, checkIn: Date, checkOut: Date) {
        self.requestId = requestId
        self.volunteerId = volunteerId
        self.claimToken = claimToken
        self.eventId = eventId
        self.checkIn = checkIn
        self.checkOut = checkOut
    }
}

/// Why a volunteer request was not acted on.
public enum VolunteerRejection: String, Sendable, Hashable, Codable, CaseIterable {
    case unknownTeam = "unknown_team"
    case unknownUnit = "unknown_unit"
    case unknownSite = "unknown_site"
    case unknownSkill = "unknown_skill"
    case unknownTheme = "unknown_theme"
    case unknownVolunteer = "unknown_volunteer"
    /// No such offer of this volunteer, or it was answered already or expired.
    case offerClosed = "offer_closed"
    /// The event takes no more volunteers, or the volunteer does not fit it.
    case roleClosed = "role_closed"
    /// The volunteer has no assignment at the event.
    case notAssigned = "not_assigned"
    /// The id is taken by a different volunteer or need.
    case conflict
    /// The claim token is missing or not the volunteer's.
    case unauthorised
    case invalid
}

/// `kepu.volunteer.request-rejected.v1`
public struct VolunteerRequestRejected: Sendable, Hashable, Codable {
    public var requestId: String
    public var reason: VolunteerRejection
    public var detail: String

    public init(requestId: String, reason: VolunteerRejection, detail: String) {
        self.requestId = requestId
        self.reason = reason
        self.detail = detail
    }
}
