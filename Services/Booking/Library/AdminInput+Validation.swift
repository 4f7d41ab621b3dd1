import KepuContracts

/// The admin API's limits: what an admin sends is stored, published in session events and summed by metrics, so it
/// has the same bounds as any event (and no arithmetic on it can overflow: durations and offsets are capped).
extension VenueInput: ValidatedPayload {
    func validate() throws(ContractViolation) {
        try FieldLimit.check(id, "id", max: FieldLimit.identifier)
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        if let unitPath { try SessionPublished.checkUnitPath(unitPath) }
        try dedicatedSessions?.validate()
    }
}

extension DedicatedSessionsInput {
    func validate() throws(ContractViolation) {
        try FieldLimit.check(threshold, "dedicatedSessions.threshold", in: FieldLimit.count)
        try FieldLimit.check(capacity, "dedicatedSessions.capacity", in: FieldLimit.count)
        try FieldLimit.check(cutoffDays, "dedicatedSessions.cutoffDays", in: 0...SessionLimit.daysAhead)
        try FieldLimit.check(startTime, "dedicatedSessions.startTime", max: 5)
        if let durationMinutes { try FieldLimit.check(durationMinutes, "dedicatedSessions.durationMinutes", in: SessionLimit.durationMinutes) }
        if let groupMin { try FieldLimit.check(groupMin, "dedicatedSessions.groupMin", in: FieldLimit.count) }
        if let groupMax { try FieldLimit.check(groupMax, "dedicatedSessions.groupMax", in: FieldLimit.count) }
    }
}

extension SessionInput: ValidatedPayload {
    func validate() throws(ContractViolation) {
        try FieldLimit.check(id, "id", max: FieldLimit.identifier)
        if id?.isEmpty == true { throw ContractViolation(field: "id", "is empty") }
        try FieldLimit.check(venueId, "venueId", max: FieldLimit.identifier)
        try FieldLimit.check(title, "title", max: FieldLimit.name)
        try FieldLimit.check(capacity, "capacity", in: FieldLimit.count)
        try SessionLimit.checkSeats(maxSeatsPerRequest: maxSeatsPerRequest, groupMin: groupMin, groupMax: groupMax, waitlistCap: waitlistCap)
    }
}

extension RecurringSessionsInput: ValidatedPayload {
    func validate() throws(ContractViolation) {
        try FieldLimit.check(venueId, "venueId", max: FieldLimit.identifier)
        try FieldLimit.check(title, "title", max: FieldLimit.name)
        try FieldLimit.check(fromDate, "fromDate", max: 10)
        try FieldLimit.check(toDate, "toDate", max: 10)
        try FieldLimit.check(weekdays.count, "weekdays", in: 1...7)
        try FieldLimit.check(times.count, "times", in: 1...48)
        try FieldLimit.check(durationMinutes, "durationMinutes", in: SessionLimit.durationMinutes)
        try FieldLimit.check(capacity, "capacity", in: FieldLimit.count)
        if let days = bookingOpensDaysBefore { try FieldLimit.check(days, "bookingOpensDaysBefore", in: 0...SessionLimit.daysAhead) }
        if let hours = cancellationHoursBefore { try FieldLimit.check(hours, "cancellationHoursBefore", in: 0...SessionLimit.daysAhead * 24) }
        try SessionLimit.checkSeats(maxSeatsPerRequest: maxSeatsPerRequest, groupMin: groupMin, groupMax: groupMax, waitlistCap: waitlistCap)
    }
}

/// Bounds of a session's settings.
enum SessionLimit {
    /// A session lasts at most a week.
    static let durationMinutes = 1...(7 * 24 * 60)
    /// How far ahead a booking window or pooling cutoff may reach.
    static let daysAhead = 366

    static func checkSeats(maxSeatsPerRequest: Int?, groupMin: Int?, groupMax: Int?, waitlistCap: Int?) throws(ContractViolation) {
        if let maxSeatsPerRequest { try FieldLimit.check(maxSeatsPerRequest, "maxSeatsPerRequest", in: FieldLimit.count) }
        if let groupMin { try FieldLimit.check(groupMin, "groupMin", in: FieldLimit.count) }
        if let groupMax { try FieldLimit.check(groupMax, "groupMax", in: FieldLimit.count) }
        if let waitlistCap { try FieldLimit.check(waitlistCap, "waitlistCap", in: FieldLimit.count) }
    }
}
