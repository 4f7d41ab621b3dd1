/// The events' limits, checked by every consumer at decode (a forged or buggy record is dead-lettered there, not
/// summed into a counter).
extension BookingConfirmed: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(bookingId, "bookingId", max: FieldLimit.identifier)
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try FieldLimit.check(venueId, "venueId", max: FieldLimit.identifier)
        try FieldLimit.check(seats, "seats", in: FieldLimit.count)
        try FieldLimit.check(residentId, "residentId", max: FieldLimit.identifier)
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
    }
}

extension BookingWaitlisted: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(bookingId, "bookingId", max: FieldLimit.identifier)
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try FieldLimit.check(seats, "seats", in: FieldLimit.count)
        try FieldLimit.check(position, "position", in: FieldLimit.count)
    }
}

extension BookingRejected: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try FieldLimit.check(detail, "detail", max: FieldLimit.text, allowEmpty: true)
    }
}

extension BookingCancelled: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(bookingId, "bookingId", max: FieldLimit.identifier)
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try FieldLimit.check(seatsFreed, "seatsFreed", in: FieldLimit.count)
        try FieldLimit.check(reason, "reason", max: FieldLimit.text)
    }
}

extension BookingPromoted: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(bookingId, "bookingId", max: FieldLimit.identifier)
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try FieldLimit.check(seats, "seats", in: FieldLimit.count)
        try FieldLimit.check(requestedSeats, "requestedSeats", in: FieldLimit.count)
        try FieldLimit.check(residentId, "residentId", max: FieldLimit.identifier)
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
    }
}

extension BookingCheckedIn: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(bookingId, "bookingId", max: FieldLimit.identifier)
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try FieldLimit.check(seats, "seats", in: FieldLimit.count)
    }
}

extension NoShowRecorded: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(bookingId, "bookingId", max: FieldLimit.identifier)
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try FieldLimit.check(residentId, "residentId", max: FieldLimit.identifier)
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.check(seats, "seats", in: FieldLimit.count)
    }
}

extension SessionPublished: ValidatedPayload {
    /// A unit path is the hierarchy's depth (city → district → street → community → site), with room to spare.
    public static let maxUnitPathDepth = 8

    public func validate() throws(ContractViolation) {
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try FieldLimit.check(venueId, "venueId", max: FieldLimit.identifier)
        try SessionPublished.checkUnitPath(unitPath)
        try FieldLimit.check(title, "title", max: FieldLimit.name, allowEmpty: true)
        try FieldLimit.check(capacity, "capacity", in: FieldLimit.count)
    }

    public static func checkUnitPath(_ path: [String]) throws(ContractViolation) {
        guard (1...maxUnitPathDepth).contains(path.count) else {
            throw ContractViolation(field: "unitPath", "must name 1...\(maxUnitPathDepth) units, got \(path.count)")
        }
        for (index, unit) in path.enumerated() { try FieldLimit.check(unit, "unitPath[\(index)]", max: FieldLimit.identifier) }
    }
}

extension SessionClosed: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try FieldLimit.check(venueId, "venueId", max: FieldLimit.identifier)
        try SessionPublished.checkUnitPath(unitPath)
    }
}
