import Foundation
import KepuDomain

/// What frontends publish on `kepu.content.requests.v1`, keyed by the site's id (one site's requests are applied in
/// order).
public enum ContentRequestType {
    /// An information officer (信息员) joins a site's roster, or changes their details.
    public static let officerRegistered = "kepu.content.officer-registered.v1"
    /// A site reports a reading activity: the books used and how many read.
    public static let readingReported = "kepu.content.reading-reported.v1"
    public static let all = [officerRegistered, readingReported]
}

/// `kepu.content.officer-registered.v1`: an information officer of 科普中国 on a site's roster. Name and phone are
/// contact details: they stay in content-supply's database and admin API.
public struct OfficerRegistered: Sendable, Hashable, Codable {
    public var requestId: String
    public var officerId: String
    public var siteId: String
    public var name: String
    public var phone: String?

    public init(requestId: String, officerId: String, siteId: String, name: String, phone: String?) {
        self.requestId = requestId
        self.officerId = officerId
        self.siteId = siteId
        self.name = name
        self.phone = phone
    }
}

/// Copies of one title.
public struct TitleCopies: Sendable, Hashable, Codable {
    /// ISBN-13 (an ISBN-10 is converted when the request is read).
    public var isbn: String
    public var copies: Int

    public init(isbn: String, copies: Int) {
        self.isbn = isbn
        self.copies = copies
    }
}

/// `kepu.content.reading-reported.v1`: a reading activity (an outreach event of format `reading`) held at a site:
/// the books it used (copies of each, from the site's stock) and how many residents read.
public struct ReadingReported: Sendable, Hashable, Codable {
    public var requestId: String
    public var eventId: String
    public var siteId: String
    public var books: [TitleCopies]
    public var readers: Int

    public init(requestId: String, eventId: String, siteId: String, books: [TitleCopies], readers: Int) {
        self.requestId = requestId
        self.eventId = eventId
        self.siteId = siteId
        self.books = books
        self.readers = readers
    }
}

/// Why a content request was not acted on.
public enum ContentRejection: String, Sendable, Hashable, Codable, CaseIterable {
    case unknownSite = "unknown_site"
    case unknownEvent = "unknown_event"
    case unknownBook = "unknown_book"
    /// The event is not a reading activity at this site.
    case notReading = "not_reading"
    /// The site has fewer copies of a title than the activity says it used.
    case notInStock = "not_in_stock"
    /// The id is taken by a different officer or report.
    case conflict
    case invalid
}

/// `kepu.content.request-rejected.v1`
public struct ContentRequestRejected: Sendable, Hashable, Codable {
    public var requestId: String
    public var reason: ContentRejection
    public var detail: String

    public init(requestId: String, reason: ContentRejection, detail: String) {
        self.requestId = requestId
        self.reason = reason
        self.detail = detail
    }
}
