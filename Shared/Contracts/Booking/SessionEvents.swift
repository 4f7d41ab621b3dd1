import Foundation
import KepuDomain

/// A session as other services see it (`kepu.booking.session-created.v1` and `kepu.booking.session-changed.v1`):
/// where and when, how many seats, and the venue's place in the unit hierarchy so consumers need no lookup.
public struct SessionPublished: Sendable, Hashable, Codable {
    public var sessionId: String
    public var venueId: String
    /// science_base, demonstration_site, museum or practice_site.
    public var venueKind: VenueKind
    /// The venue's unit path, city first (e.g. ["sz", "sz-futian", "sz-futian-shatou"]).
    public var unitPath: [String]
    public var title: String
    public var startsAt: Date
    public var endsAt: Date
    public var capacity: Int
    /// A museum dedicated session (专场) opened for pooled groups.
    public var dedicated: Bool

    public init(
        sessionId: String, venueId: String, venueKind: VenueKind, unitPath: [String], title: String, startsAt: Date, endsAt: Date, capacity: Int,
        dedicated: Bool
    ) {
        self.sessionId = sessionId
        self.venueId = venueId
        self.venueKind = venueKind
        self.unitPath = unitPath
        self.title = title
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.capacity = capacity
        self.dedicated = dedicated
    }
}

/// `kepu.booking.session-closed.v1`: no more bookings are taken; existing bookings stand.
public struct SessionClosed: Sendable, Hashable, Codable {
    public var sessionId: String
    public var venueId: String
    public var unitPath: [String]

    public init(sessionId: String, venueId: String, unitPath: [String]) {
        self.sessionId = sessionId
        self.venueId = venueId
        self.unitPath = unitPath
    }
}
