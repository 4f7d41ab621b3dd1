import Foundation

/// What a frontend publishes on `kepu.booking.requests.v1` (key: the session id), as CloudEvents data.
public enum BookingRequestType {
    public static let seatsRequested = "kepu.booking.seats-requested.v2"
    public static let cancellationRequested = "kepu.booking.cancellation-requested.v2"
    public static let checkInRequested = "kepu.booking.check-in-requested.v2"
    public static let dedicatedVisitRequested = "kepu.booking.dedicated-visit-requested.v2"
    public static let all = [seatsRequested, cancellationRequested, checkInRequested, dedicatedVisitRequested]

    /// Versions no longer accepted, with what replaced them (docs/contracts.md, "Versions"). Booking answers a
    /// retired request with `invalid` naming its successor, so an old frontend learns why instead of waiting.
    public static let retired: [String: String] = [
        "kepu.booking.seats-requested.v1": seatsRequested,
        "kepu.booking.cancellation-requested.v1": cancellationRequested,
        "kepu.booking.check-in-requested.v1": checkInRequested,
        "kepu.booking.dedicated-visit-requested.v1": dedicatedVisitRequested,
    ]
}

/// Who the seats are for: one resident, or a group organised by a practice site (以中心/所/站为单位).
public enum BookingParty: Sendable, Hashable, Codable {
    case individual(residentId: String, seats: Int)
    case group(unitId: String, headcount: Int, acceptPartial: Bool)

    private enum CodingKeys: String, CodingKey { case kind, residentId, seats, unitId, headcount, acceptPartial }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "individual":
            self = .individual(
                residentId: try container.decode(String.self, forKey: .residentId), seats: try container.decode(Int.self, forKey: .seats))
        case "group":
            self = .group(
                unitId: try container.decode(String.self, forKey: .unitId), headcount: try container.decode(Int.self, forKey: .headcount),
                acceptPartial: try container.decodeIfPresent(Bool.self, forKey: .acceptPartial) ?? false)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "party kind '\(other)' is not individual or group")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .individual(let resident, let seats):
            try container.encode("individual", forKey: .kind)
            try container.encode(resident, forKey: .residentId)
            try container.encode(seats, forKey: .seats)
        case .group(let unit, let headcount, let acceptPartial):
            try container.encode("group", forKey: .kind)
            try container.encode(unit, forKey: .unitId)
            try container.encode(headcount, forKey: .headcount)
            try container.encode(acceptPartial, forKey: .acceptPartial)
        }
    }

    public var seats: Int {
        switch self {
        case .individual(_, let seats): seats
        case .group(_, let headcount, _): headcount
        }
    }
}

/// Contact details: kept in the booking database for the session's roster only, never in events or logs.
public struct BookingContact: Sendable, Hashable, Codable {
    public var name: String
    public var phone: String
    public init(name: String, phone: String) {
        self.name = name
        self.phone = phone
    }
}

/// `kepu.booking.seats-requested.v2`
public struct SeatsRequested: Sendable, Hashable, Codable {
    /// Chosen by the frontend; a repeat with the same content is a no-op, with other content a conflict.
    public var requestId: String
    public var sessionId: String
    public var party: BookingParty
    public var contact: BookingContact?
    /// `ClaimToken.hash` of the token the frontend drew for this booking; the token itself stays with the resident.
    public var claimTokenHash: String

    public init(requestId: String, sessionId: String, party: BookingParty, contact: BookingContact? = nil, claimTokenHash: String) {
        self.requestId = requestId
        self.sessionId = sessionId
        self.party = party
        self.contact = contact
        self.claimTokenHash = claimTokenHash
    }
}

/// `kepu.booking.cancellation-requested.v2`
public struct CancellationRequested: Sendable, Hashable, Codable {
    public var requestId: String
    public var bookingId: String
    /// The token whose hash the booking was requested with: proof the requester holds the booking.
    public var claimToken: String

    public init(requestId: String, bookingId: String, claimToken: String) {
        self.requestId = requestId
        self.bookingId = bookingId
        self.claimToken = claimToken
    }
}

/// `kepu.booking.check-in-requested.v2`: sent by the site's door app after reading the resident's token.
public struct CheckInRequested: Sendable, Hashable, Codable {
    public var requestId: String
    public var bookingId: String
    public var claimToken: String

    public init(requestId: String, bookingId: String, claimToken: String) {
        self.requestId = requestId
        self.bookingId = bookingId
        self.claimToken = claimToken
    }
}
