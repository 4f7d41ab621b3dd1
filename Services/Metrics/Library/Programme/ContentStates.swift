import KepuContracts
import KepuDomain

/// A site's unit path with the site last (content-supply's records carry the path above the site; empty while the
/// site is unknown to it, and then nothing counts).
func pathToSite(_ path: [String], _ site: String) -> [String] {
    path.isEmpty || path.last == site ? path : path + [site]
}

/// A donated lot (by lot id): its copies, and those shipped to the district's sites. Running totals, counted at the
/// lot's district when reported.
struct LotState: CountedState {
    static let kind = "lot"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var donated: Int64 = 0
    var delivered: Int64 = 0

    mutating func record(_ lot: LotRecord, on day: ShanghaiDay) {
        unitPath = lot.unitPath
        self.day = day
        // Validated: at most 500 titles of at most 100,000 copies, and as many allocations: no overflow.
        donated = lot.titles.reduce(0) { $0 + Int64($1.copies) }
        delivered = lot.status == .shipped || lot.status == .received ? lot.allocations.reduce(0) { $0 + Int64($1.copies) } : 0
    }

    var counts: [KPI: Int64] { [.booksDonated: donated, .booksDelivered: delivered].filter { $0.value != 0 } }
}

/// A site's copies of one title (by `site/isbn`): running totals at the site.
struct StockState: CountedState {
    static let kind = "stock"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var copies: Int64 = 0
    var onLoan: Int64 = 0

    static func id(_ stock: StockRecord) -> String { "\(stock.siteId)/\(stock.isbn)" }

    mutating func record(_ stock: StockRecord, on day: ShanghaiDay) {
        unitPath = pathToSite(stock.unitPath, stock.siteId)
        self.day = day
        copies = Int64(stock.copies)
        onLoan = Int64(stock.onLoan)
    }

    var counts: [KPI: Int64] { [.booksInStock: copies, .booksOnLoan: onLoan].filter { $0.value != 0 } }
}

/// The books a reading activity used (by event id), counted at its site when reported.
struct ReadingState: CountedState {
    static let kind = "reading"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var booksUsed: Int64 = 0

    mutating func record(_ reading: ReadingRecord, on day: ShanghaiDay) {
        unitPath = pathToSite(reading.unitPath, reading.siteId)
        self.day = day
        booksUsed = reading.books.reduce(0) { $0 + Int64($1.copies) }
    }

    var counts: [KPI: Int64] { booksUsed > 0 ? [.readingBooksUsed: booksUsed] : [:] }
}

/// A work's engagement at a site on a day (by `work/site/day`), as content-supply last rolled it up: its numbers
/// belong to that day and site.
struct WorkEngagementState: CountedState {
    static let kind = "engagement"
    static let counting = StateCounting.moves

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var views: Int64 = 0
    var completions: Int64 = 0
    var shares: Int64 = 0
    var reach: Int64 = 0

    static func id(_ rollUp: EngagementRollUp) -> String { "\(rollUp.workId)/\(rollUp.siteId)/\(rollUp.day)" }

    mutating func record(_ rollUp: EngagementRollUp) {
        unitPath = pathToSite(rollUp.unitPath, rollUp.siteId)
        day = ShanghaiDay(rollUp.day)
        (views, completions, shares, reach) = (rollUp.views, rollUp.completions, rollUp.shares, rollUp.distinctVisitors)
    }

    var counts: [KPI: Int64] {
        [.workViews: views, .workCompletions: completions, .workShares: shares, .workReach: reach].filter { $0.value != 0 }
    }
}

/// An information officer (信息员, by officer id) and their points: running totals at their site.
struct OfficerState: CountedState {
    static let kind = "officer"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var points: Int64 = 0
    var scored = false

    mutating func record(_ score: OfficerScore, on day: ShanghaiDay) {
        unitPath = pathToSite(score.unitPath, score.siteId)
        self.day = day
        points = score.points
        scored = true
    }

    var counts: [KPI: Int64] {
        guard scored else { return [:] }
        return points > 0 ? [.informationOfficers: 1, .officerPoints: points] : [.informationOfficers: 1]
    }
}
