import Foundation
import KepuDomain

extension FieldLimit {
    /// A volunteer's monthly cap, in hours.
    public static let monthlyHours = 1...300
    /// Weekly windows in one list.
    public static let windows = 0...28
    /// Blackout days in one profile (a year).
    public static let blackoutDays = 0...366
    /// Units a volunteer will serve.
    public static let serveUnits = 0...20

    /// Minutes since midnight of an "HH:mm" time (00:00 ... 24:00), nil when it is not one.
    public static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard text.utf8.count == 5, parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...24).contains(hours),
            (0...59).contains(minutes), hours * 60 + minutes <= 1440
        else { return nil }
        return hours * 60 + minutes
    }

    public static func checkWindows(_ windows: [WeeklyWindow], _ field: String) throws(ContractViolation) {
        try check(windows.count, "\(field).count", in: FieldLimit.windows)
        for (index, window) in windows.enumerated() {
            try check(window.weekday, "\(field)[\(index)].weekday", in: 1...7)
            guard let from = minuteOfDay(window.from) else { throw ContractViolation(field: "\(field)[\(index)].from", "is not an HH:mm time") }
            guard let until = minuteOfDay(window.until) else { throw ContractViolation(field: "\(field)[\(index)].until", "is not an HH:mm time") }
            guard from < until else { throw ContractViolation(field: "\(field)[\(index)].until", "comes before from") }
        }
    }
}

extension RegistrationSubmitted: ValidatedPayload, ClosedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(volunteerId, "volunteerId", max: FieldLimit.identifier)
        try ClaimToken.checkHash(claimTokenHash, "claimTokenHash")
        if let claimToken { try ClaimToken.checkToken(claimToken, "claimToken") }
        try FieldLimit.check(residentId, "residentId", max: FieldLimit.identifier)
        try FieldLimit.check(teamId, "teamId", max: FieldLimit.identifier)
        if let siteId { try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier) }
        guard (role == .siteHead) == (siteId != nil) else { throw ContractViolation(field: "siteId", "is given for a site head, and only for one") }
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        if let phone { try FieldLimit.check(phone, "phone", max: FieldLimit.phone) }
        try FieldLimit.checkCodes(skills, "skills")
        try FieldLimit.check(qualifications.count, "qualifications.count", in: 0...Qualification.allCases.count)
        for (index, qualification) in qualifications.enumerated() {
            try FieldLimit.checkDay(qualification.expiresOn, "qualifications[\(index)].expiresOn")
        }
        guard Set(qualifications.map(\.kind)).count == qualifications.count else {
            throw ContractViolation(field: "qualifications", "names a qualification twice")
        }
        try FieldLimit.check(homeUnitId, "homeUnitId", max: FieldLimit.identifier)
        try FieldLimit.check(serveUnitIds.count, "serveUnitIds.count", in: FieldLimit.serveUnits)
        for (index, unit) in serveUnitIds.enumerated() { try FieldLimit.check(unit, "serveUnitIds[\(index)]", max: FieldLimit.identifier) }
        try FieldLimit.checkWindows(availability, "availability")
        try FieldLimit.check(blackoutDates.count, "blackoutDates.count", in: FieldLimit.blackoutDays)
        for (index, day) in blackoutDates.enumerated() { try FieldLimit.checkDay(day, "blackoutDates[\(index)]") }
        try FieldLimit.check(monthlyHoursCap, "monthlyHoursCap", in: FieldLimit.monthlyHours)
    }

    public static let fields = PayloadFields.object([
        "requestId": .value, "volunteerId": .value, "claimTokenHash": .value, "claimToken": .value, "residentId": .value, "teamId": .value,
        "role": .value, "siteId": .value, "name": .value,
        "phone": .value, "skills": .value, "homeUnitId": .value, "serveUnitIds": .value, "blackoutDates": .value, "monthlyHoursCap": .value,
        // Arrays of objects are checked by decoding (their element types are plain structs).
        "qualifications": .value, "availability": .value,
    ])
}

extension NeedSubmitted: ValidatedPayload, ClosedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(needId, "needId", max: FieldLimit.identifier)
        try FieldLimit.check(volunteerId, "volunteerId", max: FieldLimit.identifier)
        try ClaimToken.checkToken(claimToken, "claimToken")
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.check(theme, "theme", max: FieldLimit.code)
        try FieldLimit.check(people, "people", in: FieldLimit.audience)
        try FieldLimit.checkWindows(preferredTimes, "preferredTimes")
    }

    public static let fields = PayloadFields.object([
        "requestId": .value, "needId": .value, "volunteerId": .value, "claimToken": .value, "unitId": .value, "theme": .value, "audience": .value,
        "people": .value,
        "preferredTimes": .value,
    ])
}

extension OfferAnswered: ValidatedPayload, ClosedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(volunteerId, "volunteerId", max: FieldLimit.identifier)
        try ClaimToken.checkToken(claimToken, "claimToken")
        try FieldLimit.check(offerId, "offerId", max: FieldLimit.identifier)
    }

    public static let fields = PayloadFields.object([
        "requestId": .value, "volunteerId": .value, "claimToken": .value, "offerId": .value, "accept": .value,
    ])
}

extension RoleSignedUp: ValidatedPayload, ClosedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(volunteerId, "volunteerId", max: FieldLimit.identifier)
        try ClaimToken.checkToken(claimToken, "claimToken")
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
    }

    public static let fields = PayloadFields.object(["requestId": .value, "volunteerId": .value, "claimToken": .value, "eventId": .value])
}

extension ShiftReported: ValidatedPayload, ClosedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(volunteerId, "volunteerId", max: FieldLimit.identifier)
        try ClaimToken.checkToken(claimToken, "claimToken")
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.checkTimes(checkIn, checkOut, "checkOut")
        guard checkOut.timeIntervalSince(checkIn) <= 86_400 else { throw ContractViolation(field: "checkOut", "is more than a day after checkIn") }
    }

    public static let fields = PayloadFields.object([
        "requestId": .value, "volunteerId": .value, "claimToken": .value, "eventId": .value, "checkIn": .value, "checkOut": .value,
    ])
}

extension VolunteerRequestRejected: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(detail, "detail", max: FieldLimit.text)
    }
}

extension TeamRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(teamId, "teamId", max: FieldLimit.identifier)
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        try FieldLimit.checkPath(unitPath, "unitPath")
        if let centerSiteId { try FieldLimit.check(centerSiteId, "centerSiteId", max: FieldLimit.identifier) }
        if let leaderVolunteerId { try FieldLimit.check(leaderVolunteerId, "leaderVolunteerId", max: FieldLimit.identifier) }
    }
}

extension VolunteerRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(volunteerId, "volunteerId", max: FieldLimit.identifier)
        try FieldLimit.check(teamId, "teamId", max: FieldLimit.identifier)
        if let siteId { try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier) }
        try FieldLimit.checkCodes(skills, "skills")
        try FieldLimit.checkPath(homeUnitPath, "homeUnitPath")
    }
}

extension SiteHeadCoverage: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(unitPath, "unitPath")
        try FieldLimit.check(sites, "sites", in: FieldLimit.count)
        try FieldLimit.check(sitesWithHead, "sitesWithHead", in: 0...sites)
    }
}

extension NeedsAggregate: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(unitPath, "unitPath")
        try FieldLimit.check(theme, "theme", max: FieldLimit.code)
        try FieldLimit.check(needs, "needs", in: FieldLimit.count)
        try FieldLimit.check(people, "people", in: 0...1_000_000_000)
        try FieldLimit.check(met, "met", in: 0...needs)
    }
}

extension AssignmentRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(assignmentId, "assignmentId", max: FieldLimit.identifier)
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.check(volunteerId, "volunteerId", max: FieldLimit.identifier)
        try FieldLimit.checkTimes(startsAt, endsAt, "endsAt")
        try FieldLimit.checkTime(respondBy, "respondBy")
    }
}

extension EventStaffing: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(sitePath, "sitePath")
        try FieldLimit.check(needed, "needed", in: 0...FieldLimit.volunteers.upperBound)
        try FieldLimit.check(accepted, "accepted", in: 0...FieldLimit.volunteers.upperBound)
        try FieldLimit.check(offered, "offered", in: 0...FieldLimit.volunteers.upperBound)
        try FieldLimit.check(short, "short", in: 0...needed)
    }
}

extension VolunteerShortfall: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(sitePath, "sitePath")
        try FieldLimit.check(theme, "theme", max: FieldLimit.code)
        try FieldLimit.check(needed, "needed", in: FieldLimit.volunteers)
        try FieldLimit.check(accepted, "accepted", in: 0...needed)
        try FieldLimit.checkTime(startsAt, "startsAt")
    }
}

extension ServiceHoursRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(volunteerId, "volunteerId", max: FieldLimit.identifier)
        try FieldLimit.check(teamId, "teamId", max: FieldLimit.identifier)
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.check(minutes, "minutes", in: 0...FieldLimit.minutes.upperBound)
        try FieldLimit.checkDay(day, "day")
    }
}

extension StarLevelReached: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(volunteerId, "volunteerId", max: FieldLimit.identifier)
        try FieldLimit.check(teamId, "teamId", max: FieldLimit.identifier)
        guard verifiedHours.isFinite, verifiedHours >= 0, verifiedHours <= 1_000_000 else {
            throw ContractViolation(field: "verifiedHours", "is outside 0...1000000")
        }
    }
}
