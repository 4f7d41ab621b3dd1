/// The requests' limits (see `FieldLimit`). Booking's own rules (seats per request, the session's group size) come
/// after these, in booking.
extension BookingParty {
    func validate() throws(ContractViolation) {
        switch self {
        case .individual(let resident, let seats):
            try FieldLimit.check(resident, "party.residentId", max: FieldLimit.identifier)
            try FieldLimit.check(seats, "party.seats", in: FieldLimit.count)
        case .group(let unit, let headcount, _):
            try FieldLimit.check(unit, "party.unitId", max: FieldLimit.identifier)
            try FieldLimit.check(headcount, "party.headcount", in: FieldLimit.count)
        }
    }
}

extension BookingContact {
    func validate(_ field: String) throws(ContractViolation) {
        try FieldLimit.check(name, "\(field).name", max: FieldLimit.name)
        try FieldLimit.check(phone, "\(field).phone", max: FieldLimit.phone)
    }
}

extension SeatsRequested: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(sessionId, "sessionId", max: FieldLimit.identifier)
        try party.validate()
        try contact?.validate("contact")
    }
}

extension CancellationRequested: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(bookingId, "bookingId", max: FieldLimit.identifier)
        try FieldLimit.check(code, "code", max: FieldLimit.code)
    }
}

extension CheckInRequested: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(bookingId, "bookingId", max: FieldLimit.identifier)
        try FieldLimit.check(code, "code", max: FieldLimit.code)
    }
}

extension DedicatedVisitRequested: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(venueId, "venueId", max: FieldLimit.identifier)
        try FieldLimit.check(date, "date", max: 10)
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.check(headcount, "headcount", in: FieldLimit.count)
        try contact?.validate("contact")
    }
}
