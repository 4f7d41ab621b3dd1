import Foundation
import Hummingbird
import KepuContracts
import KepuDomain

/// A session as anyone may see it: times, capacity and what is left; never who booked.
struct PublicSession: ResponseEncodable, Equatable {
    typealias Columns = (String, String, String, Date, Date, Int, Int, Int, Bool, Bool)

    let id: String
    let venueId: String
    let title: String
    let startsAt: String
    let endsAt: String
    let capacity: Int
    let confirmedSeats: Int
    let available: Int
    let waitlistedSeats: Int
    let closed: Bool
    let dedicated: Bool

    /// From `SessionStore.publicColumns`.
    init(_ columns: Columns) {
        let (id, venueId, title, startsAt, endsAt, capacity, confirmedSeats, waitlistedSeats, closed, dedicated) = columns
        (self.id, self.venueId, self.title) = (id, venueId, title)
        (self.startsAt, self.endsAt) = (RFC3339.format(startsAt), RFC3339.format(endsAt))
        (self.capacity, self.confirmedSeats, self.available, self.waitlistedSeats) = (
            capacity, confirmedSeats, capacity - confirmedSeats, waitlistedSeats
        )
        (self.closed, self.dedicated) = (closed, dedicated)
    }
}

/// `GET /venues/{id}/sessions`.
struct VenueSessions: ResponseEncodable {
    let venueId: String
    let from: String
    let to: String
    let sessions: [PublicSession]
}

/// One line of a session's roster (admin only).
struct RosterEntry: Codable, Equatable {
    let bookingId: String
    let status: BookingStatus
    let seats: Int
    let residentId: String?
    let unitId: String?
    let contactName: String?
    let contactPhone: String?

    enum CodingKeys: String, CodingKey {
        case bookingId, status, seats, residentId, unitId, contactName, contactPhone
    }

    // Absent values are written as null: the roster's columns are the same on every line.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bookingId, forKey: .bookingId)
        try container.encode(status, forKey: .status)
        try container.encode(seats, forKey: .seats)
        try container.encode(residentId, forKey: .residentId)
        try container.encode(unitId, forKey: .unitId)
        try container.encode(contactName, forKey: .contactName)
        try container.encode(contactPhone, forKey: .contactPhone)
    }
}

/// `GET /admin/sessions/{id}/roster`.
struct SessionRoster: ResponseEncodable {
    let sessionId: String
    let roster: [RosterEntry]
}

/// `GET /bookings/{id}`: where a booking stands, for the resident who holds its claim token.
struct BookingSummary: ResponseEncodable, Equatable {
    let id: String
    let sessionId: String
    let status: BookingStatus
    let seats: Int
}

/// `POST /admin/sessions` and `/admin/sessions/recurring`.
struct SessionsCreated: ResponseEncodable {
    let ids: [String]
    let count: Int
}

/// `PUT /admin/sessions/{id}/capacity`.
struct SessionCapacity: Codable, ResponseEncodable {
    let id: String
    let capacity: Int
}

/// `POST /admin/sessions/{id}/close`.
struct SessionClosure: ResponseEncodable {
    let id: String
    let closed: Bool
}

/// `POST /admin/venues`.
struct VenueSaved: ResponseEncodable {
    let id: String
}

/// `GET /admin/venues/{id}`: a venue as booking holds it, and where it came from.
struct VenueView: ResponseEncodable, Equatable {
    typealias Columns = (String, VenueKind, String, [String], String, Bool, Bool)

    let id: String
    let kind: VenueKind
    let name: String
    let unitPath: [String]
    /// `active` or `retired` (a retired venue takes no new sessions).
    let status: String
    /// Named by the practice-network registry (kind, name, unit path and status follow it), not only by
    /// `POST /admin/venues`.
    let inRegistry: Bool
    /// A museum that opens dedicated sessions (专场) for pooled groups.
    let dedicatedSessions: Bool

    init(_ columns: Columns) {
        (id, kind, name, unitPath, status, inRegistry, dedicatedSessions) = columns
    }
}
