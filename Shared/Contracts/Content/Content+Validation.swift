import Foundation
import KepuDomain

extension FieldLimit {
    /// Titles in one lot, report or list.
    public static let titles = 1...500
    /// Copies of one title in one lot, report or loan.
    public static let copies = 0...100_000
    /// Readers of one reading activity.
    public static let readers = 0...10_000

    public static func checkTitles(_ titles: [TitleCopies], _ field: String, copies range: ClosedRange<Int> = FieldLimit.copies)
        throws(ContractViolation)
    {
        try check(titles.count, "\(field).count", in: FieldLimit.titles)
        var seen = Set<String>()
        for (index, title) in titles.enumerated() {
            let isbn: ISBN
            do { isbn = try ISBN(title.isbn) } catch { throw ContractViolation(field: "\(field)[\(index)].isbn", "is not an ISBN: \(error)") }
            guard seen.insert(isbn.description).inserted else { throw ContractViolation(field: "\(field)[\(index)].isbn", "names a title twice") }
            try check(title.copies, "\(field)[\(index)].copies", in: range)
        }
    }
}

extension OfficerRegistered: ValidatedPayload, ClosedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(officerId, "officerId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        try FieldLimit.check(phone, "phone", max: FieldLimit.phone)
    }

    public static let fields = PayloadFields.object(["requestId": .value, "officerId": .value, "siteId": .value, "name": .value, "phone": .value])
}

extension ReadingReported: ValidatedPayload, ClosedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.checkTitles(books, "books", copies: 1...10_000)
        try FieldLimit.check(readers, "readers", in: FieldLimit.readers)
    }

    public static let fields = PayloadFields.object([
        "requestId": .value, "eventId": .value, "siteId": .value, "books": .value, "readers": .value,
    ])
}

extension WorkEngaged: ValidatedPayload, ClosedPayload {
    /// How far from now an engagement may claim to have happened: a frontend's late batch is fine, a year-old or
    /// future one is not.
    public static let acceptedAge: ClosedRange<TimeInterval> = -300...(31 * 86_400)

    public func validate() throws(ContractViolation) {
        try FieldLimit.check(workId, "workId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        guard visitorHash.utf8.count == 64, visitorHash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ContractViolation(field: "visitorHash", "is not 64 lowercase hex digits (a SHA-256, never a raw identity)")
        }
        try FieldLimit.check(officerId, "officerId", max: FieldLimit.identifier)
        if officerId != nil, action != .view { throw ContractViolation(field: "officerId", "is given for a view only") }
        let age = Date().timeIntervalSince(occurredAt)
        guard Self.acceptedAge.contains(age) else { throw ContractViolation(field: "occurredAt", "is more than 31 days ago or in the future") }
    }

    public static let fields = PayloadFields.object([
        "workId": .value, "siteId": .value, "visitorHash": .value, "action": .value, "officerId": .value, "occurredAt": .value,
    ])
}
