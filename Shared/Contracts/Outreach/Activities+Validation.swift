import Foundation
import KepuDomain

extension FieldLimit {
    /// People expected at, or seats of, one event.
    public static let audience = 1...100_000
    /// An event's or programme's length in minutes (a week at most).
    public static let minutes = 1...10_080
    /// What one event may cost, in fen (one hundred million yuan).
    public static let costFen = 0...10_000_000_000
    /// Codes in one list (themes, skills, campaigns, districts, age bands).
    public static let codes = 0...50
    /// Volunteers one event may need.
    public static let volunteers = 1...1_000
    /// A rating's score.
    public static let score = 1...5

    public static func checkCodes(_ codes: [String], _ field: String, max: Int = FieldLimit.code) throws(ContractViolation) {
        try check(codes.count, "\(field).count", in: FieldLimit.codes)
        for (index, code) in codes.enumerated() { try check(code, "\(field)[\(index)]", max: max) }
    }

    /// Checks that `start` comes before `end` and both lie within years 2000-2199.
    public static func checkTimes(_ start: Date, _ end: Date, _ field: String) throws(ContractViolation) {
        try checkTime(start, field)
        try checkTime(end, field)
        guard end > start else { throw ContractViolation(field: field, "ends before it starts") }
    }

    /// Checks that a time lies within years 2000-2199: what the programme schedules, and what every consumer's
    /// checks accept.
    public static func checkTime(_ time: Date?, _ field: String) throws(ContractViolation) {
        guard let time else { return }
        guard time.timeIntervalSince1970 >= 946_684_800, time.timeIntervalSince1970 < 7_258_118_400 else {
            throw ContractViolation(field: field, "lies outside 2000-2199")
        }
    }
}

extension ProgrammeRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(programmeId, "programmeId", max: FieldLimit.identifier)
        try FieldLimit.check(title, "title", max: FieldLimit.name)
        try FieldLimit.check(theme, "theme", max: FieldLimit.code)
        try FieldLimit.check(audiences.count, "audiences.count", in: 0...AgeBand.allCases.count)
        try FieldLimit.check(durationMinutes, "durationMinutes", in: FieldLimit.minutes)
        try FieldLimit.check(capacityMin, "capacityMin", in: FieldLimit.audience)
        try FieldLimit.check(capacityMax, "capacityMax", in: capacityMin...FieldLimit.audience.upperBound)
        try FieldLimit.check(providerId, "providerId", max: FieldLimit.identifier)
        try FieldLimit.checkCodes(districts, "districts", max: FieldLimit.identifier)
    }
}

extension CampaignRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(campaignId, "campaignId", max: FieldLimit.identifier)
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        try FieldLimit.checkDay(from, "from")
        try FieldLimit.checkDay(until, "until")
        try FieldLimit.checkCodes(themes, "themes")
    }
}

extension OrderRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(orderId, "orderId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(sitePath, "sitePath")
        try FieldLimit.check(programmeId, "programmeId", max: FieldLimit.identifier)
        try FieldLimit.check(providerId, "providerId", max: FieldLimit.identifier)
        try FieldLimit.checkDay(from, "from")
        try FieldLimit.checkDay(until, "until")
        try FieldLimit.check(expectedAudience, "expectedAudience", in: FieldLimit.audience)
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.check(step, "step", max: FieldLimit.code)
        try FieldLimit.check(actor, "actor", max: FieldLimit.identifier)
        try FieldLimit.check(actorRole, "actorRole", max: FieldLimit.code)
        try FieldLimit.check(reason, "reason", max: FieldLimit.text)
    }
}

extension OrderOverdue: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(orderId, "orderId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(sitePath, "sitePath")
        try FieldLimit.check(providerId, "providerId", max: FieldLimit.identifier)
    }
}

extension ActivityEventRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.check(title, "title", max: FieldLimit.name)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(sitePath, "sitePath")
        try FieldLimit.check(theme, "theme", max: FieldLimit.code)
        try FieldLimit.check(programmeId, "programmeId", max: FieldLimit.identifier)
        try FieldLimit.check(providerId, "providerId", max: FieldLimit.identifier)
        try FieldLimit.check(orderId, "orderId", max: FieldLimit.identifier)
        try FieldLimit.check(pairingId, "pairingId", max: FieldLimit.identifier)
        try FieldLimit.checkCodes(campaigns, "campaigns", max: FieldLimit.identifier)
        try FieldLimit.checkTimes(startsAt, endsAt, "endsAt")
        if let seats { try seats.validate("seats") }
        if let costFen { try FieldLimit.check(costFen, "costFen", in: FieldLimit.costFen) }
        if let attendance {
            try FieldLimit.check(attendance.checkedIn, "attendance.checkedIn", in: FieldLimit.count)
            try FieldLimit.check(attendance.walkIns, "attendance.walkIns", in: FieldLimit.count)
            if let minutes = attendance.durationMinutes { try FieldLimit.check(minutes, "attendance.durationMinutes", in: FieldLimit.minutes) }
            if let youth = attendance.youth {
                // Both counts validated to FieldLimit.count above: their sum cannot overflow.
                try FieldLimit.check(youth, "attendance.youth", in: 0...(attendance.checkedIn + attendance.walkIns))
            }
        }
        try FieldLimit.check(report, "report", max: FieldLimit.text)
        try FieldLimit.check(cancellationReason, "cancellationReason", max: FieldLimit.text)
        try volunteerNeeds?.validate("volunteerNeeds")
        try FieldLimit.check(tourId, "tourId", max: FieldLimit.identifier)
        try FieldLimit.check(kitId, "kitId", max: FieldLimit.identifier)
    }
}

extension VolunteerNeeds {
    public func validate(_ field: String) throws(ContractViolation) {
        try FieldLimit.check(count, "\(field).count", in: FieldLimit.volunteers)
        try FieldLimit.checkCodes(skills, "\(field).skills")
        try FieldLimit.checkTimes(from, until, "\(field).until")
    }

    /// Its fields, for the closed admin bodies that carry it.
    public static let fields = PayloadFields.object(["count": .value, "skills": .value, "from": .value, "until": .value])
}

extension EventSeats {
    /// Its fields, for the closed admin bodies that carry it.
    public static let fields = PayloadFields.object([
        "capacity": .value, "bookingOpensAt": .value, "bookingClosesAt": .value, "maxSeatsPerRequest": .value, "groupMin": .value,
        "groupMax": .value,
    ])

    /// The limits booking's sessions keep (a session takes these values as they are).
    public func validate(_ field: String) throws(ContractViolation) {
        try FieldLimit.check(capacity, "\(field).capacity", in: FieldLimit.audience)
        try FieldLimit.checkTime(bookingOpensAt, "\(field).bookingOpensAt")
        try FieldLimit.checkTime(bookingClosesAt, "\(field).bookingClosesAt")
        if let max = maxSeatsPerRequest { try FieldLimit.check(max, "\(field).maxSeatsPerRequest", in: 1...1_000) }
        let low = groupMin ?? 5
        try FieldLimit.check(low, "\(field).groupMin", in: 1...10_000)
        if let groupMax { try FieldLimit.check(groupMax, "\(field).groupMax", in: low...10_000) }
        if let opens = bookingOpensAt, let closes = bookingClosesAt, closes < opens {
            throw ContractViolation(field: "\(field).bookingClosesAt", "comes before bookingOpensAt")
        }
    }
}

extension EventRated: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.check(rating.ratings, "rating.ratings", in: FieldLimit.count)
        guard rating.average.isFinite, (0...5).contains(rating.average) else { throw ContractViolation(field: "rating.average", "must be 0...5") }
    }
}

extension OutreachRequestRejected: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(detail, "detail", max: FieldLimit.text)
    }
}

extension OrderRequested: ValidatedPayload, ClosedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(orderId, "orderId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.check(programmeId, "programmeId", max: FieldLimit.identifier)
        try FieldLimit.checkDay(from, "from")
        try FieldLimit.checkDay(until, "until")
        guard from <= until else { throw ContractViolation(field: "until", "comes before from") }
        try FieldLimit.check(expectedAudience, "expectedAudience", in: FieldLimit.audience)
        try FieldLimit.check(note, "note", max: FieldLimit.text)
    }

    public static let fields = PayloadFields.object(
        [
            "requestId": .value, "orderId": .value, "siteId": .value, "programmeId": .value, "from": .value, "until": .value,
            "expectedAudience": .value, "note": .value,
        ])
}

extension RatingSubmitted: ValidatedPayload, ClosedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.check(residentId, "residentId", max: FieldLimit.identifier)
        try FieldLimit.check(score, "score", in: FieldLimit.score)
        try FieldLimit.check(comment, "comment", max: FieldLimit.text)
    }

    public static let fields = PayloadFields.object(
        ["requestId": .value, "eventId": .value, "residentId": .value, "score": .value, "comment": .value])
}
