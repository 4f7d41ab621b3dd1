import Foundation
import KepuDomain

// content-supply's events, as their readers (metrics) check them: every id bounded, every number in range.

extension FieldLimit {
    /// Sites one lot is shared among, each title's allocation a row.
    public static let allocations = 0...100_000
    /// Engagement counts of one work at one site on one day: far beyond any real day, below any overflow.
    public static let engagement: ClosedRange<Int64> = 0...1_000_000_000
    /// An officer's points.
    public static let points: ClosedRange<Int64> = 0...1_000_000_000
}

extension LotRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(lotId, "lotId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(unitPath, "unitPath")
        try FieldLimit.checkTitles(titles, "titles")
        try FieldLimit.check(allocations.count, "allocations.count", in: FieldLimit.allocations)
        for (index, allocation) in allocations.enumerated() {
            try FieldLimit.check(allocation.siteId, "allocations[\(index)].siteId", max: FieldLimit.identifier)
            try FieldLimit.check(allocation.isbn, "allocations[\(index)].isbn", max: FieldLimit.code)
            try FieldLimit.check(allocation.copies, "allocations[\(index)].copies", in: FieldLimit.copies)
        }
    }
}

extension StockRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        // Empty while the site is not in content-supply's copy of the registry.
        if !unitPath.isEmpty { try FieldLimit.checkPath(unitPath, "unitPath") }
        try FieldLimit.check(isbn, "isbn", max: FieldLimit.code)
        try FieldLimit.check(copies, "copies", in: FieldLimit.copies)
        try FieldLimit.check(onLoan, "onLoan", in: 0...copies)
    }
}

extension ReadingRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(eventId, "eventId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        if !unitPath.isEmpty { try FieldLimit.checkPath(unitPath, "unitPath") }
        try FieldLimit.checkTitles(books, "books")
        try FieldLimit.check(readers, "readers", in: FieldLimit.readers)
    }
}

extension EngagementRollUp: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(workId, "workId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        if !unitPath.isEmpty { try FieldLimit.checkPath(unitPath, "unitPath") }
        guard ShanghaiDay(day) != nil else { throw ContractViolation(field: "day", "must be a yyyy-MM-dd day") }
        for (value, field) in [
            (views, "views"), (completions, "completions"), (shares, "shares"), (distinctVisitors, "distinctVisitors"), (flagged, "flagged"),
        ] {
            try FieldLimit.check(value, field, in: FieldLimit.engagement)
        }
        guard distinctVisitorsError.isFinite, (0...1).contains(distinctVisitorsError) else {
            throw ContractViolation(field: "distinctVisitorsError", "must be 0...1")
        }
    }
}

extension OfficerScore: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(officerId, "officerId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        if !unitPath.isEmpty { try FieldLimit.checkPath(unitPath, "unitPath") }
        try FieldLimit.check(points, "points", in: FieldLimit.points)
        try FieldLimit.check(districtRank, "districtRank", in: 0...1_000_000)
        try FieldLimit.check(cityRank, "cityRank", in: 0...1_000_000)
    }
}
