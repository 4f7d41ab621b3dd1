import Foundation
import Hummingbird
import KepuContracts
import KepuDomain

/// `POST /admin/events`: a draft event at a site (a campaign activity, a lecture, a visit...). Orders and tour
/// stops make their own.
struct EventInput: Decodable, ClosedPayload, ValidatedPayload {
    let eventId: String?
    let title: String
    let siteId: String
    let theme: String
    let format: ActivityFormat
    let programmeId: String?
    let providerId: String?
    let pairingId: String?
    let campaigns: [String]?
    let startsAt: Date
    let endsAt: Date
    let seats: EventSeats?
    let costFen: Int?
    let volunteerNeeds: VolunteerNeeds?

    static var fields: PayloadFields {
        .object([
            "eventId": .value, "title": .value, "siteId": .value, "theme": .value, "format": .value, "programmeId": .value,
            "providerId": .value, "pairingId": .value, "campaigns": .value, "startsAt": .value, "endsAt": .value,
            "seats": EventSeats.fields,
            "costFen": .value, "volunteerNeeds": VolunteerNeeds.fields,
        ])
    }

    func validate() throws(ContractViolation) {
        if let eventId { try EventInput.checkId(eventId) }
        try record(id: eventId ?? "e", siteKind: .center, sitePath: ["sz"]).validate()
    }

    /// Event ids are session ids in booking too: ids a frontend can put in a URL.
    static func checkId(_ id: String) throws(ContractViolation) {
        guard RegistryRowText.isIdentifier(id), id.utf8.count <= FieldLimit.identifier else {
            throw ContractViolation(field: "eventId", "is not an id (a-z 0-9 - _ ., at most \(FieldLimit.identifier) bytes)")
        }
    }

    func record(id: String, siteKind: SiteKind, sitePath: [String]) -> ActivityEventRecord {
        ActivityEventRecord(
            eventId: id, status: .draft, title: title, siteId: siteId, siteKind: siteKind, sitePath: sitePath, theme: theme, format: format,
            programmeId: programmeId, providerId: providerId, pairingId: pairingId, campaigns: campaigns ?? [], startsAt: startsAt,
            endsAt: endsAt, seats: seats, costFen: costFen, volunteerNeeds: volunteerNeeds)
    }
}

/// `POST /admin/events/{id}/steps`: publish, change, hold, report or cancel an event.
struct EventStepInput: Decodable, ClosedPayload, ValidatedPayload {
    enum Action: String, Decodable {
        case publish, change, hold, report, cancel
    }

    let action: Action
    /// For change (and publish): the new values; absent ones stay.
    let title: String?
    let startsAt: Date?
    let endsAt: Date?
    let seats: EventSeats?
    let costFen: Int?
    let campaigns: [String]?
    let volunteerNeeds: VolunteerNeeds?
    /// For hold: walk-ins (people who came without booking) and how long it lasted.
    let walkIns: Int?
    /// For hold, optional: young people (青少年, under 18) among all who came, counted at the door.
    let youth: Int?
    let durationMinutes: Int?
    /// For report: the summary (汇报).
    let report: String?
    /// For cancel: why (residents' frontends show it).
    let reason: String?

    static var fields: PayloadFields {
        .object([
            "action": .value, "title": .value, "startsAt": .value, "endsAt": .value,
            "seats": EventSeats.fields,
            "costFen": .value, "campaigns": .value, "volunteerNeeds": VolunteerNeeds.fields,
            "walkIns": .value, "youth": .value, "durationMinutes": .value, "report": .value, "reason": .value,
        ])
    }

    /// The workflow's step (its required values checked at decode).
    var eventAction: EventAction {
        switch action {
        case .publish: .publish
        case .change: .change
        case .hold: .hold(walkIns: walkIns ?? 0, youth: youth, durationMinutes: durationMinutes)
        case .report: .report(summary: report ?? "")
        case .cancel: .cancel(reason: reason ?? "")
        }
    }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(title, "title", max: FieldLimit.name)
        try FieldLimit.checkTime(startsAt, "startsAt")
        try FieldLimit.checkTime(endsAt, "endsAt")
        if let startsAt, let endsAt { try FieldLimit.checkTimes(startsAt, endsAt, "endsAt") }
        if let seats { try seats.validate("seats") }
        if let costFen { try FieldLimit.check(costFen, "costFen", in: FieldLimit.costFen) }
        if let campaigns { try FieldLimit.checkCodes(campaigns, "campaigns", max: FieldLimit.identifier) }
        try volunteerNeeds?.validate("volunteerNeeds")
        if let walkIns { try FieldLimit.check(walkIns, "walkIns", in: FieldLimit.count) }
        if let youth { try FieldLimit.check(youth, "youth", in: FieldLimit.count) }
        if youth != nil, action != .hold { throw ContractViolation(field: "youth", "is given only to hold an event") }
        if let durationMinutes { try FieldLimit.check(durationMinutes, "durationMinutes", in: FieldLimit.minutes) }
        try FieldLimit.check(report, "report", max: FieldLimit.text)
        try FieldLimit.check(reason, "reason", max: FieldLimit.text)
        switch action {
        case .report where (report ?? "").isEmpty: throw ContractViolation(field: "report", "is required to report an event")
        case .cancel where (reason ?? "").isEmpty: throw ContractViolation(field: "reason", "is required to cancel an event")
        case .hold where walkIns == nil: throw ContractViolation(field: "walkIns", "is required to hold an event (0 when none)")
        default: break
        }
    }
}

/// `POST /admin/events/publish`: publish many drafts at once (a campaign's events, a district's week).
struct EventPublication: Decodable, ClosedPayload, ValidatedPayload {
    static let maximum = 500

    let eventIds: [String]

    static var fields: PayloadFields { .object(["eventIds": .value]) }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(eventIds.count, "eventIds.count", in: 1...Self.maximum)
        for (index, id) in eventIds.enumerated() { try FieldLimit.check(id, "eventIds[\(index)]", max: FieldLimit.identifier) }
    }
}

/// What a bulk publication did: the drafts it published, and the ids it left (not drafts, or unknown).
struct EventPublicationResult: ResponseEncodable {
    let published: [String]
    let unchanged: [String]
}
