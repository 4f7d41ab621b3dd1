import Foundation
import Hummingbird
import KepuContracts
import KepuDomain

struct SkillView: Codable {
    let code: String
    let kind: String
    let name: String
    let requires: Qualification?
}

struct SkillList: ResponseEncodable {
    let skills: [SkillView]
}

struct TeamView: ResponseEncodable {
    let teamId: String
    let name: String
    let unitPath: [String]
    let centerSiteId: String?
    let leaderVolunteerId: String?
    let volunteers: Int
}

struct TeamList: ResponseEncodable {
    let teams: [TeamView]
}

/// A volunteer as their team leader and district and city staff see them: contact details included (admin only).
struct VolunteerView: ResponseEncodable {
    let volunteerId: String
    let residentId: String
    let teamId: String
    let role: VolunteerRole
    let siteId: String?
    let name: String?
    let phone: String?
    let skills: [String]
    let qualifications: [HeldQualification]
    let homeUnitPath: [String]
    let serveUnitIds: [String]
    let availability: [WeeklyWindow]
    let blackoutDates: [String]
    let monthlyHoursCap: Int
    let verifiedHours: Double
    let starLevel: StarLevel?
    let active: Bool
}

struct VolunteerSummary: Codable {
    let volunteerId: String
    let role: VolunteerRole
    let skills: [String]
    let verifiedHours: Double
    let starLevel: StarLevel?
    let active: Bool
}

struct VolunteerList: ResponseEncodable {
    let volunteers: [VolunteerSummary]
    let next: String?
}

struct CandidateList: ResponseEncodable {
    let eventId: String
    let skills: [String]
    let candidates: [RankedCandidate]
}

struct AssignmentList: ResponseEncodable {
    let eventId: String
    let staffing: EventStaffing?
    let assignments: [AssignmentRecord]
}

struct HoursLine: Codable {
    let eventId: String
    let title: String?
    let day: String
    let minutes: Int
    let status: HoursStatus
    let verifiedBy: String?
    let reason: String?
}

struct HoursList: ResponseEncodable {
    let volunteerId: String
    let verifiedHours: Double
    let starLevel: StarLevel?
    let pendingMinutes: Int
    let hours: [HoursLine]
}

struct VerificationResult: ResponseEncodable {
    let changed: [ServiceHoursRecord]
}

struct CoverageList: ResponseEncodable {
    let units: [SiteHeadCoverage]
}

struct NeedsList: ResponseEncodable {
    let needs: [NeedsAggregate]
}

/// Needs of a unit and theme that no active programme on the menu serving the unit's district covers, and no
/// upcoming or recent event of the theme at or near the unit meets.
struct UncoveredNeed: Codable {
    let unitId: String
    let unitPath: [String]
    let theme: String
    let openNeeds: Int
    let people: Int
}

struct UncoveredList: ResponseEncodable {
    let needs: [UncoveredNeed]
}

struct IssuedCertificate: ResponseEncodable {
    let code: String
    let htmlPath: String
    let verifyPath: String
    let totalHours: Double
}

struct OfferAnswer: Decodable, ValidatedPayload, ClosedPayload {
    let accept: Bool
    func validate() throws(ContractViolation) {}
    static let fields = PayloadFields.object(["accept": .value])
}
