import Foundation
import Hummingbird
import KepuContracts

/// A session as anyone may see it: times, capacity and what is left; never who booked.
struct PublicSession: ResponseEncodable, Equatable {
    typealias Columns = (String, String, String, Date, Date, Int, Int, Int, Bool, Bool)

    let id: String
    let venueID: String
    let title: String
    let startsAt: String
    let endsAt: String
    let capacity: Int
    let confirmedSeats: Int
    let available: Int
    let waitlistedSeats: Int
    let closed: Bool
    let dedicated: Bool

    enum CodingKeys: String, CodingKey {
        case id, venueID = "venueId", title, startsAt, endsAt, capacity, confirmedSeats, available, waitlistedSeats, closed, dedicated
    }

    /// From `SessionStore.publicColumns`.
    init(_ c: Columns) {
        (id, venueID, title) = (c.0, c.1, c.2)
        startsAt = RFC3339.format(c.3)
        endsAt = RFC3339.format(c.4)
        (capacity, confirmedSeats, available, waitlistedSeats) = (c.5, c.6, c.5 - c.6, c.7)
        (closed, dedicated) = (c.8, c.9)
    }
}

/// `GET /venues/{id}/sessions`.
struct VenueSessions: ResponseEncodable {
    let venueID: String
    let from: String
    let to: String
    let sessions: [PublicSession]

    enum CodingKeys: String, CodingKey { case venueID = "venueId", from, to, sessions }
}

/// One line of a session's roster (admin only).
struct RosterEntry: Codable, Equatable {
    let bookingID: String
    let status: BookingStatus
    let seats: Int
    let residentID: String?
    let unitID: String?
    let contactName: String?
    let contactPhone: String?

    enum CodingKeys: String, CodingKey {
        case bookingID = "bookingId", status, seats, residentID = "residentId", unitID = "unitId", contactName, contactPhone
    }

    // Absent values are written as null: the roster's columns are the same on every line.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bookingID, forKey: .bookingID)
        try container.encode(status, forKey: .status)
        try container.encode(seats, forKey: .seats)
        try container.encode(residentID, forKey: .residentID)
        try container.encode(unitID, forKey: .unitID)
        try container.encode(contactName, forKey: .contactName)
        try container.encode(contactPhone, forKey: .contactPhone)
    }
}

/// `GET /admin/sessions/{id}/roster`.
struct SessionRoster: ResponseEncodable {
    let sessionID: String
    let roster: [RosterEntry]

    enum CodingKeys: String, CodingKey { case sessionID = "sessionId", roster }
}

/// `GET /bookings/{id}`: where a booking stands, for the resident who holds its claim token.
struct BookingSummary: ResponseEncodable, Equatable {
    let id: String
    let sessionID: String
    let status: BookingStatus
    let seats: Int

    enum CodingKeys: String, CodingKey { case id, sessionID = "sessionId", status, seats }
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
