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
        try ClaimToken.checkHash(claimTokenHash, "claimTokenHash")
    }
}

/// A request about one booking, proven by its claim token (cancellation, check-in).
protocol BookingClaim {
    var requestId: String { get }
    var bookingId: String { get }
    var claimToken: String { get }
}

extension BookingClaim {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(bookingId, "bookingId", max: FieldLimit.identifier)
        try ClaimToken.checkToken(claimToken, "claimToken")
    }

    public static var fields: PayloadFields { .object(["requestId": .value, "bookingId": .value, "claimToken": .value]) }
}

extension CancellationRequested: BookingClaim, ValidatedPayload {}
extension CheckInRequested: BookingClaim, ValidatedPayload {}

extension DedicatedVisitRequested: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(venueId, "venueId", max: FieldLimit.identifier)
        try FieldLimit.check(date, "date", max: 10)
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.check(headcount, "headcount", in: FieldLimit.count)
        try contact?.validate("contact")
        try ClaimToken.checkHash(claimTokenHash, "claimTokenHash")
    }
}

/// What frontends may send: exactly the fields of the AsyncAPI schemas.
extension BookingParty {
    static let fields = PayloadFields.tagged(
        tag: "kind",
        [
            "individual": ["kind": .value, "residentId": .value, "seats": .value],
            "group": ["kind": .value, "unitId": .value, "headcount": .value, "acceptPartial": .value],
        ])
}

extension BookingContact {
    static let fields = PayloadFields.object(["name": .value, "phone": .value])
}

extension SeatsRequested: ClosedPayload {
    public static let fields = PayloadFields.object([
        "requestId": .value, "sessionId": .value, "party": BookingParty.fields, "contact": BookingContact.fields, "claimTokenHash": .value,
    ])
}

extension CancellationRequested: ClosedPayload {}
extension CheckInRequested: ClosedPayload {}

extension DedicatedVisitRequested: ClosedPayload {
    public static let fields = PayloadFields.object(
        [
            "requestId": .value, "venueId": .value, "date": .value, "unitId": .value, "headcount": .value, "contact": BookingContact.fields,
            "claimTokenHash": .value,
        ])
}
