import Foundation
import KepuDomain

/// A volunteer who fits an event, with what ranked them: nearer in the unit tree first, then a lighter load.
struct Candidate: Sendable, Hashable {
    let volunteerId: String
    let teamId: String
    /// How many levels of the event site's unit path the volunteer's home path shares (4: the same community).
    let sharedLevels: Int
    /// Minutes offered, accepted or served within the fairness window either side of the event.
    let loadMinutes: Int
    let monthMinutes: Int
    let monthlyCapMinutes: Int
    /// The earliest expiry among the qualifications the event's skills require, nil when none is required.
    let qualifiedUntil: String?
}

/// `GET /admin/events/{id}/candidates`: the ranking, each line saying why.
struct RankedCandidate: Codable, Sendable {
    let rank: Int
    let volunteerId: String
    let teamId: String
    let distance: String
    let loadHours: Double
    let monthHours: Double
    let monthlyCapHours: Double
    let qualifiedUntil: String?
    let why: [String]

    init(rank: Int, _ candidate: Candidate, skills: [String], fairnessDays: Int) {
        self.rank = rank
        volunteerId = candidate.volunteerId
        teamId = candidate.teamId
        distance = Self.distance(candidate.sharedLevels)
        loadHours = Double(candidate.loadMinutes) / 60
        monthHours = Double(candidate.monthMinutes) / 60
        monthlyCapHours = Double(candidate.monthlyCapMinutes) / 60
        qualifiedUntil = candidate.qualifiedUntil
        var why = [skills.isEmpty ? "no particular skill is needed" : "has the skills \(skills.joined(separator: ", "))"]
        if let until = candidate.qualifiedUntil { why.append("the qualifications the skills require are valid until \(until)") }
        why += [
            "free at the event's time in their weekly availability, not away that day, no overlapping assignment",
            "lives in the \(distance) as the event's site",
            "\(Self.hours(candidate.loadMinutes)) h offered, accepted or served within \(fairnessDays) days of the event (lighter ranks first among equals)",
            "\(Self.hours(candidate.monthMinutes)) h of \(Self.hours(candidate.monthlyCapMinutes)) h taken this month",
        ]
        self.why = why
    }

    static func distance(_ shared: Int) -> String {
        switch shared {
        case 4...: "same community"
        case 3: "same street"
        case 2: "same district"
        case 1: "same city"
        default: "another city"
        }
    }

    static func hours(_ minutes: Int) -> String {
        let value = Double(minutes) / 60
        return value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
    }
}
