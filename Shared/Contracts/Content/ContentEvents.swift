import Foundation
import KepuDomain

/// The CloudEvents types on `kepu.content.events.v1`. None carries contact details or a visitor hash.
public enum ContentEventType {
    /// A donated lot, at each step: its titles, and (from planning on) its allocation to sites.
    public static let lotRecorded = "kepu.content.lot-recorded.v1"
    /// Copies of a title at a site changed (received, lent, returned, used).
    public static let stockChanged = "kepu.content.stock-changed.v1"
    /// A reading activity's books and readers.
    public static let readingRecorded = "kepu.content.reading-recorded.v1"
    /// A work's engagement at a site on a day, as folded so far (published at most once a minute per work, site
    /// and day that changed).
    public static let engagementRolledUp = "kepu.content.engagement-rolled-up.v1"
    /// An information officer's points and ranks.
    public static let officerScored = "kepu.content.officer-scored.v1"
    public static let requestRejected = "kepu.content.request-rejected.v1"
    public static let all = [lotRecorded, stockChanged, readingRecorded, engagementRolledUp, officerScored, requestRejected]
}

/// Copies of one title a site gets from a lot.
public struct LotAllocation: Sendable, Hashable, Codable {
    public var siteId: String
    public var isbn: String
    public var copies: Int

    public init(siteId: String, isbn: String, copies: Int) {
        self.siteId = siteId
        self.isbn = isbn
        self.copies = copies
    }
}

/// `kepu.content.lot-recorded.v1`: a lot and its plan. Keyed by the lot id.
public struct LotRecord: Sendable, Hashable, Codable {
    public var lotId: String
    /// The district it is shared in (its sites), as a unit path, city first.
    public var unitPath: [String]
    public var status: LotStatus
    public var titles: [TitleCopies]
    public var allocations: [LotAllocation]

    public init(lotId: String, unitPath: [String], status: LotStatus, titles: [TitleCopies], allocations: [LotAllocation]) {
        self.lotId = lotId
        self.unitPath = unitPath
        self.status = status
        self.titles = titles
        self.allocations = allocations
    }
}

/// `kepu.content.stock-changed.v1`: a site's copies of a title. Keyed by the site id.
public struct StockRecord: Sendable, Hashable, Codable {
    public var siteId: String
    public var unitPath: [String]
    public var isbn: String
    /// Copies the site holds (on the shelf and lent out).
    public var copies: Int
    public var onLoan: Int

    public init(siteId: String, unitPath: [String], isbn: String, copies: Int, onLoan: Int) {
        self.siteId = siteId
        self.unitPath = unitPath
        self.isbn = isbn
        self.copies = copies
        self.onLoan = onLoan
    }
}

/// `kepu.content.reading-recorded.v1`: keyed by the event id.
public struct ReadingRecord: Sendable, Hashable, Codable {
    public var eventId: String
    public var siteId: String
    public var unitPath: [String]
    public var books: [TitleCopies]
    public var readers: Int

    public init(eventId: String, siteId: String, unitPath: [String], books: [TitleCopies], readers: Int) {
        self.eventId = eventId
        self.siteId = siteId
        self.unitPath = unitPath
        self.books = books
        self.readers = readers
    }
}

/// `kepu.content.engagement-rolled-up.v1`: keyed `work/site/day`.
public struct EngagementRollUp: Sendable, Hashable, Codable {
    public var workId: String
    public var siteId: String
    /// The site's unit path, city first (empty while the site is not in the registry).
    public var unitPath: [String]
    /// yyyy-MM-dd, Shanghai.
    public var day: String
    public var views: Int64
    public var completions: Int64
    public var shares: Int64
    /// Distinct visitors who viewed the work (an estimate: see `distinctVisitorsError`).
    public var distinctVisitors: Int64
    /// The estimate's relative standard error (0.008 is 0.8 %).
    public var distinctVisitorsError: Double
    /// Of all the events, those from a visitor sending more than the configured rate: counted, not trusted.
    public var flagged: Int64

    public init(
        workId: String, siteId: String, unitPath: [String], day: String, views: Int64, completions: Int64, shares: Int64, distinctVisitors: Int64,
        distinctVisitorsError: Double, flagged: Int64
    ) {
        self.workId = workId
        self.siteId = siteId
        self.unitPath = unitPath
        self.day = day
        self.views = views
        self.completions = completions
        self.shares = shares
        self.distinctVisitors = distinctVisitors
        self.distinctVisitorsError = distinctVisitorsError
        self.flagged = flagged
    }
}

/// `kepu.content.officer-scored.v1`: keyed by the officer id (never their name or phone).
public struct OfficerScore: Sendable, Hashable, Codable {
    public var officerId: String
    public var siteId: String
    public var unitPath: [String]
    public var points: Int64
    /// 1 is the best, among the officers of the same district, and of the city.
    public var districtRank: Int
    public var cityRank: Int

    public init(officerId: String, siteId: String, unitPath: [String], points: Int64, districtRank: Int, cityRank: Int) {
        self.officerId = officerId
        self.siteId = siteId
        self.unitPath = unitPath
        self.points = points
        self.districtRank = districtRank
        self.cityRank = cityRank
    }
}
