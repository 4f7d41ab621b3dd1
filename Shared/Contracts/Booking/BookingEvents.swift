import Foundation
import KepuDomain

/// What `booking` publishes on `kepu.booking.events.v1` (key: the session id; for pooling, the museum's venue id).
/// Ids only: never names or phones.
public enum BookingEventType {
    public static let confirmed = "kepu.booking.confirmed.v2"
    public static let waitlisted = "kepu.booking.waitlisted.v2"
    public static let rejected = "kepu.booking.rejected.v1"
    public static let cancelled = "kepu.booking.cancelled.v1"
    public static let promoted = "kepu.booking.promoted.v1"
    public static let checkedIn = "kepu.booking.checked-in.v1"
    public static let noShowRecorded = "kepu.booking.no-show-recorded.v1"
    public static let residentSuspended = "kepu.booking.resident-suspended.v1"
    public static let sessionCreated = "kepu.booking.session-created.v1"
    public static let sessionChanged = "kepu.booking.session-changed.v1"
    public static let sessionClosed = "kepu.booking.session-closed.v1"
    public static let groupPooled = "kepu.booking.group-pooled.v1"
    public static let dedicatedSessionOpened = "kepu.booking.dedicated-session-opened.v1"
    public static let all = [
        confirmed, waitlisted, rejected, cancelled, promoted, checkedIn, noShowRecorded, residentSuspended, sessionCreated, sessionChanged,
        sessionClosed, groupPooled, dedicatedSessionOpened,
    ]

    /// Earlier versions still in the topic (within its retention) that consumers read as their successor: v1 of
    /// `confirmed` and `waitlisted` carried the check-in code, which v2 dropped (docs/contracts.md, "Versions").
    public static let readableAs: [String: String] = [
        "kepu.booking.confirmed.v1": confirmed,
        "kepu.booking.waitlisted.v1": waitlisted,
    ]
}

/// Why a request was turned down: one stable code per rule.
public enum RejectionReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// No seats left and no room on the waitlist (or no waitlist).
    case full
    /// Outside the session's booking window, or the session is closed.
    case windowClosed = "window_closed"
    /// More seats than one request may take.
    case overLimit = "over_limit"
    /// A group's headcount outside the session's group size.
    case groupSize = "group_size"
    case unknownSession = "unknown_session"
    case unknownBooking = "unknown_booking"
    /// A dedicated-visit request for a venue that is not a museum taking them.
    case unknownVenue = "unknown_venue"
    /// The resident is suspended for repeated no-shows; `suspendedUntil` says until when.
    case suspended
    /// The request id was used before with different content.
    case conflict
    /// A pooled museum group whose pool never reached the dedicated-session threshold by the cutoff, and no public
    /// session that day had room for it.
    case belowThreshold = "below_threshold"
    /// The request cannot be acted on as sent (wrong code, nothing to cancel, a check-in before it opens, ...).
    case invalid
}

/// `kepu.booking.confirmed.v2`: seats held. Nothing in it authorises an action: the resident proves the booking
/// with the claim token the frontend kept (`ClaimToken`).
public struct BookingConfirmed: Sendable, Hashable, Codable {
    public var requestId: String
    public var bookingId: String
    public var sessionId: String
    public var venueId: String
    public var seats: Int
    public var partyKind: PartyKind
    public var residentId: String?
    public var unitId: String?

    public init(
        requestId: String, bookingId: String, sessionId: String, venueId: String, seats: Int, partyKind: PartyKind, residentId: String? = nil,
        unitId: String? = nil
    ) {
        self.requestId = requestId
        self.bookingId = bookingId
        self.sessionId = sessionId
        self.venueId = venueId
        self.seats = seats
        self.partyKind = partyKind
        self.residentId = residentId
        self.unitId = unitId
    }
}

/// `kepu.booking.waitlisted.v2`
public struct BookingWaitlisted: Sendable, Hashable, Codable {
    public var requestId: String
    public var bookingId: String
    public var sessionId: String
    public var seats: Int
    /// 1 is next in line.
    public var position: Int

    public init(requestId: String, bookingId: String, sessionId: String, seats: Int, position: Int) {
        self.requestId = requestId
        self.bookingId = bookingId
        self.sessionId = sessionId
        self.seats = seats
        self.position = position
    }
}

/// `kepu.booking.rejected.v1`
public struct BookingRejected: Sendable, Hashable, Codable {
    public var requestId: String
    public var sessionId: String?
    public var reason: RejectionReason
    public var detail: String
    public var suspendedUntil: Date?

    public init(requestId: String, sessionId: String? = nil, reason: RejectionReason, detail: String, suspendedUntil: Date? = nil) {
        self.requestId = requestId
        self.sessionId = sessionId
        self.reason = reason
        self.detail = detail
        self.suspendedUntil = suspendedUntil
    }
}

/// `kepu.booking.cancelled.v1`
public struct BookingCancelled: Sendable, Hashable, Codable {
    public var requestId: String
    public var bookingId: String
    public var sessionId: String
    public var seatsFreed: Int
    /// After the cancellation deadline: counts as a no-show.
    public var late: Bool
    /// Set when the session was cancelled under the resident (its event was cancelled), saying why.
    public var reason: String?

    public init(requestId: String, bookingId: String, sessionId: String, seatsFreed: Int, late: Bool, reason: String? = nil) {
        self.requestId = requestId
        self.bookingId = bookingId
        self.sessionId = sessionId
        self.seatsFreed = seatsFreed
        self.late = late
        self.reason = reason
    }
}

/// `kepu.booking.promoted.v1`: a waitlisted booking got seats (all it asked for, or fewer for a group that accepts
/// a partial offer).
public struct BookingPromoted: Sendable, Hashable, Codable {
    public var bookingId: String
    public var sessionId: String
    public var seats: Int
    public var requestedSeats: Int
    /// `individual` or `group`, as in `BookingConfirmed` (absent from events published before it was added).
    public var partyKind: PartyKind?
    public var residentId: String?
    public var unitId: String?

    public init(
        bookingId: String, sessionId: String, seats: Int, requestedSeats: Int, partyKind: PartyKind? = nil, residentId: String? = nil,
        unitId: String? = nil
    ) {
        self.bookingId = bookingId
        self.sessionId = sessionId
        self.seats = seats
        self.requestedSeats = requestedSeats
        self.partyKind = partyKind
        self.residentId = residentId
        self.unitId = unitId
    }
}

/// `kepu.booking.checked-in.v1`
public struct BookingCheckedIn: Sendable, Hashable, Codable {
    public var requestId: String
    public var bookingId: String
    public var sessionId: String
    public var seats: Int

    public init(requestId: String, bookingId: String, sessionId: String, seats: Int) {
        self.requestId = requestId
        self.bookingId = bookingId
        self.sessionId = sessionId
        self.seats = seats
    }
}

/// `kepu.booking.no-show-recorded.v1`: a confirmed booking not checked in by the end of its session (plus the grace
/// period), or cancelled after the deadline (`lateCancellation`).
public struct NoShowRecorded: Sendable, Hashable, Codable {
    public var bookingId: String
    public var sessionId: String
    public var residentId: String?
    public var unitId: String?
    public var seats: Int
    public var lateCancellation: Bool

    public init(bookingId: String, sessionId: String, residentId: String? = nil, unitId: String? = nil, seats: Int, lateCancellation: Bool) {
        self.bookingId = bookingId
        self.sessionId = sessionId
        self.residentId = residentId
        self.unitId = unitId
        self.seats = seats
        self.lateCancellation = lateCancellation
    }
}

/// `kepu.booking.resident-suspended.v1`: too many no-shows; the resident's requests are rejected at every venue
/// until `suspendedUntil`.
public struct ResidentSuspended: Sendable, Hashable, Codable {
    public var residentId: String
    public var suspendedUntil: Date
    public var noShows: Int
    public var windowDays: Int

    public init(residentId: String, suspendedUntil: Date, noShows: Int, windowDays: Int) {
        self.residentId = residentId
        self.suspendedUntil = suspendedUntil
        self.noShows = noShows
        self.windowDays = windowDays
    }
}
