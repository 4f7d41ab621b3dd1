import Foundation

/// `kepu.booking.dedicated-visit-requested.v2` (on `kepu.booking.requests.v1`, key: the museum's venue id): a group
/// asks to visit the museum on a date. Groups are pooled per (museum, date); enough of them open a dedicated
/// session (专场).
public struct DedicatedVisitRequested: Sendable, Hashable, Codable {
    public var requestId: String
    public var venueId: String
    /// The visit date in Asia/Shanghai, "yyyy-MM-dd".
    public var date: String
    /// The organising unit (a center, institute or station).
    public var unitId: String
    public var headcount: Int
    public var contact: BookingContact?
    /// As in `SeatsRequested`: the booking the group ends up with is claimed with this token.
    public var claimTokenHash: String

    public init(
        requestId: String, venueId: String, date: String, unitId: String, headcount: Int, contact: BookingContact? = nil, claimTokenHash: String
    ) {
        self.requestId = requestId
        self.venueId = venueId
        self.date = date
        self.unitId = unitId
        self.headcount = headcount
        self.contact = contact
        self.claimTokenHash = claimTokenHash
    }
}

/// `kepu.booking.group-pooled.v1` (key: the venue id): the group waits in the pool for `date`. Its final answer comes
/// later: confirmed (into the dedicated session, or at the cutoff into a public session that day) or rejected
/// with `below_threshold`.
public struct GroupPooled: Sendable, Hashable, Codable {
    public var requestId: String
    public var venueId: String
    public var date: String
    public var headcount: Int
    /// The pool's headcount including this group.
    public var pooledHeadcount: Int
    public var threshold: Int
    /// When pooling for the date ends.
    public var cutoffAt: Date

    public init(requestId: String, venueId: String, date: String, headcount: Int, pooledHeadcount: Int, threshold: Int, cutoffAt: Date) {
        self.requestId = requestId
        self.venueId = venueId
        self.date = date
        self.headcount = headcount
        self.pooledHeadcount = pooledHeadcount
        self.threshold = threshold
        self.cutoffAt = cutoffAt
    }
}

/// `kepu.booking.dedicated-session-opened.v1` (key: the venue id): a pool reached the threshold; its groups are
/// confirmed into `sessionId` in arrival order up to `capacity` (the rest waitlisted there).
public struct DedicatedSessionOpened: Sendable, Hashable, Codable {
    public var venueId: String
    public var date: String
    public var sessionId: String
    public var capacity: Int
    public var pooledHeadcount: Int
    public var groups: Int

    public init(venueId: String, date: String, sessionId: String, capacity: Int, pooledHeadcount: Int, groups: Int) {
        self.venueId = venueId
        self.date = date
        self.sessionId = sessionId
        self.capacity = capacity
        self.pooledHeadcount = pooledHeadcount
        self.groups = groups
    }
}
