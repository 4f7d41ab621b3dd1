import Foundation

/// The one type on `kepu.content.engagement.v1`.
public enum ContentEngagementType {
    public static let workEngaged = "kepu.content.work-engaged.v1"
    public static let all = [workEngaged]
}

/// What a resident did with an online work.
public enum EngagementAction: String, Sendable, Hashable, Codable, CaseIterable {
    case view, completion, share
}

/// `kepu.content.work-engaged.v1`: a resident viewed, finished or shared an online work of 科普中国 at (or through)
/// a site. Keyed by `visitorHash`, so one visitor's events are in one partition, in order (the rate they send is
/// judged there). High volume: frontends batch and compress (see the topic).
public struct WorkEngaged: Sendable, Hashable, Codable {
    public var workId: String
    public var siteId: String
    /// The frontend's salted SHA-256 of the visitor, 64 lowercase hex digits: never a raw identity.
    public var visitorHash: String
    public var action: EngagementAction
    /// For a view that came through a share link: the information officer who shared it.
    public var officerId: String?
    /// When it happened (RFC 3339); the day it is counted in is this instant's day in Shanghai.
    public var occurredAt: Date

    public init(workId: String, siteId: String, visitorHash: String, action: EngagementAction, officerId: String?, occurredAt: Date) {
        self.workId = workId
        self.siteId = siteId
        self.visitorHash = visitorHash
        self.action = action
        self.officerId = officerId
        self.occurredAt = occurredAt
    }
}
