import Foundation
import KepuDomain

/// What frontends publish on `kepu.outreach.requests.v1`: sites' orders (点单) and residents' ratings (评价).
public enum OutreachRequestType {
    /// Keyed by the order id.
    public static let orderRequested = "kepu.outreach.order-requested.v1"
    /// Keyed by the event id.
    public static let ratingSubmitted = "kepu.outreach.rating-submitted.v1"
    public static let all = [orderRequested, ratingSubmitted]
}

/// `kepu.outreach.order-requested.v1`: a site orders a programme for a window of days and an expected audience.
public struct OrderRequested: Sendable, Hashable, Codable {
    public var requestId: String
    public var orderId: String
    public var siteId: String
    public var programmeId: String
    public var from: String
    public var until: String
    public var expectedAudience: Int
    public var note: String?

    public init(
        requestId: String, orderId: String, siteId: String, programmeId: String, from: String, until: String, expectedAudience: Int,
        note: String? = nil
    ) {
        self.requestId = requestId
        self.orderId = orderId
        self.siteId = siteId
        self.programmeId = programmeId
        self.from = from
        self.until = until
        self.expectedAudience = expectedAudience
        self.note = note
    }
}

/// `kepu.outreach.rating-submitted.v1`: a resident rates a held event, 1 to 5, with an optional comment. A second
/// rating by the same resident replaces the first.
public struct RatingSubmitted: Sendable, Hashable, Codable {
    public var requestId: String
    public var eventId: String
    public var residentId: String
    public var score: Int
    public var comment: String?

    public init(requestId: String, eventId: String, residentId: String, score: Int, comment: String? = nil) {
        self.requestId = requestId
        self.eventId = eventId
        self.residentId = residentId
        self.score = score
        self.comment = comment
    }
}

/// Why an outreach request was not acted on.
public enum OutreachRejection: String, Sendable, Hashable, Codable, CaseIterable {
    /// No such event, or it was not held (only held events are rated).
    case notRateable = "not_rateable"
    case unknownSite = "unknown_site"
    case unknownProgramme = "unknown_programme"
    /// The order id is taken by a different order.
    case conflict
    /// The request cannot be acted on as sent.
    case invalid
}

/// `kepu.outreach.request-rejected.v1`
public struct OutreachRequestRejected: Sendable, Hashable, Codable {
    public var requestId: String
    public var reason: OutreachRejection
    public var detail: String

    public init(requestId: String, reason: OutreachRejection, detail: String) {
        self.requestId = requestId
        self.reason = reason
        self.detail = detail
    }
}
