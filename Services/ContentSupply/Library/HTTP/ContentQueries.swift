import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// What the admin API and the public pages read: sites, stock, loans, engagement, recommendations, officers.
struct ContentQueries {
    let client: PostgresClient
    let logger: Logger

    func sitePath(_ siteId: String) async throws -> [String]? {
        try await client.query("SELECT unit_path FROM site WHERE id = \(siteId)", logger: logger).collect().first?.decode([String].self)
    }

    func officerSite(_ officerId: String) async throws -> String? {
        try await client.query("SELECT site_id FROM officer WHERE id = \(officerId)", logger: logger).collect().first?.decode(String.self)
    }

    func loanSite(_ loanId: String) async throws -> String? {
        try await client.query("SELECT site_id FROM loan WHERE id = \(loanId)", logger: logger).collect().first?.decode(String.self)
    }

    func stock(site: String) async throws -> StockList {
        var titles: [StockView] = []
        for try await (isbn, title, copies, onLoan) in try await client.query(
            """
            SELECT s.isbn, b.title, s.copies, s.on_loan FROM stock s JOIN book b ON b.isbn = s.isbn WHERE s.site_id = \(site) ORDER BY s.isbn LIMIT 5000
            """, logger: logger
        ).decode((String, String, Int, Int).self) {
            titles.append(StockView(isbn: isbn, title: title, copies: copies, onLoan: onLoan, onShelf: copies - onLoan))
        }
        return StockList(siteId: site, titles: titles)
    }

    func loans(site: String, overdueOn day: ShanghaiDay?, after: String, limit: Int) async throws -> LoanList {
        var loans: [LoanView] = []
        for try await (id, isbn, borrower, phone, lentAt, due) in try await client.query(
            """
            SELECT id, isbn, borrower, borrower_phone, lent_at, to_char(due_on, 'YYYY-MM-DD') FROM loan
            WHERE site_id = \(site) AND returned_at IS NULL AND id > \(after)
              AND (\(day == nil) OR due_on < date '1970-01-01' + \(day?.number ?? 0)::int)
            ORDER BY id LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, String?, String?, Date, String).self) {
            loans.append(LoanView(id: id, isbn: isbn, borrower: borrower, borrowerPhone: phone, lentAt: lentAt, dueOn: due))
        }
        return LoanList(loans: loans, next: loans.count == limit ? loans.last?.id : nil)
    }

    func engagement(work: String, site: String?, from: ShanghaiDay, until: ShanghaiDay) async throws -> EngagementList {
        var days: [EngagementView] = []
        for try await (siteId, day, views, completions, shares, visitors, flagged) in try await client.query(
            """
            SELECT site_id, to_char(day, 'YYYY-MM-DD'), views, completions, shares, distinct_visitors, flagged FROM engagement_day
            WHERE work_id = \(work) AND (\(site ?? "")::text = '' OR site_id = \(site ?? "")::text)
              AND day BETWEEN date '1970-01-01' + \(from.number)::int AND date '1970-01-01' + \(until.number)::int
            ORDER BY day, site_id LIMIT 5000
            """, logger: logger
        ).decode((String, String, Int64, Int64, Int64, Int64, Int64).self) {
            days.append(
                EngagementView(
                    siteId: siteId, day: day, views: views, completions: completions, shares: shares, distinctVisitors: visitors,
                    distinctVisitorsError: VisitorSketch.standardError, flagged: flagged))
        }
        return EngagementList(workId: work, days: days)
    }

    /// Works for a site: those whose theme its unit's surveyed, unmet needs ask for first (most people waiting
    /// first), then the works most viewed across the city in the last 30 days.
    func recommendations(site: String, limit: Int) async throws -> [RecommendedWork] {
        var works: [RecommendedWork] = []
        for try await (id, title, theme, url, waiting, views) in try await client.query(
            """
            WITH need AS (
                SELECT n.theme, sum(n.unmet_people)::int AS waiting FROM reading_need n JOIN site s ON s.unit_id = n.unit_id
                WHERE s.id = \(site) GROUP BY n.theme
            ), popular AS (
                SELECT work_id, sum(views)::bigint AS views FROM engagement_day WHERE day >= current_date - 30 GROUP BY work_id
            )
            SELECT w.id, w.title, w.theme, w.url, COALESCE(need.waiting, 0), COALESCE(popular.views, 0)::bigint FROM work w
            LEFT JOIN need ON need.theme = w.theme LEFT JOIN popular ON popular.work_id = w.id
            ORDER BY COALESCE(need.waiting, 0) DESC, COALESCE(popular.views, 0) DESC, w.id LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, String, String, Int, Int64).self) {
            works.append(RecommendedWork(workId: id, title: title, theme: theme, url: url, residentsWaiting: waiting, recentViews: views))
        }
        return works
    }

    /// Officers by points, with their ranks in their district and the city (no names or phones).
    func rankings(district: String?, limit: Int) async throws -> [RankedOfficer] {
        var officers: [RankedOfficer] = []
        for try await (id, site, path, points, districtRank, cityRank, _) in try await client.query(
            """
            SELECT * FROM (
                SELECT o.id, o.site_id, array_to_string(s.unit_path, '|'), o.points,
                       rank() OVER (PARTITION BY s.unit_path[2] ORDER BY o.points DESC)::int AS district_rank,
                       rank() OVER (ORDER BY o.points DESC)::int AS city_rank, s.unit_path[2] AS district
                FROM officer o JOIN site s ON s.id = o.site_id WHERE o.left_at IS NULL
            ) r WHERE (\(district ?? "")::text = '' OR r.district = \(district ?? "")::text)
            ORDER BY r.points DESC, r.id LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, String, Int64, Int, Int, String?).self) {
            officers.append(
                RankedOfficer(
                    officerId: id, siteId: site, unitPath: path.split(separator: "|").map(String.init), points: points, districtRank: districtRank,
                    cityRank: cityRank))
        }
        return officers
    }

    func officers(site: String) async throws -> [OfficerView] {
        var officers: [OfficerView] = []
        for try await (id, name, phone, points, left) in try await client.query(
            "SELECT id, name, phone, points, left_at IS NOT NULL FROM officer WHERE site_id = \(site) ORDER BY id LIMIT 5000", logger: logger
        ).decode((String, String?, String?, Int64, Bool).self) {
            officers.append(OfficerView(officerId: id, name: name, phone: phone, points: points, active: !left))
        }
        return officers
    }
}

struct StockView: Codable, Sendable {
    let isbn: String
    let title: String
    let copies: Int
    let onLoan: Int
    let onShelf: Int
}

struct StockList: ResponseEncodable {
    let siteId: String
    let titles: [StockView]
}

struct LoanView: ResponseEncodable {
    let id: String
    let isbn: String
    let borrower: String?
    let borrowerPhone: String?
    let lentAt: Date
    let dueOn: String
}

struct LoanList: ResponseEncodable {
    let loans: [LoanView]
    let next: String?
}

struct EngagementView: Codable, Sendable {
    let siteId: String
    let day: String
    let views: Int64
    let completions: Int64
    let shares: Int64
    let distinctVisitors: Int64
    let distinctVisitorsError: Double
    let flagged: Int64
}

struct EngagementList: ResponseEncodable {
    let workId: String
    let days: [EngagementView]
}

struct RecommendedWork: Codable, Sendable {
    let workId: String
    let title: String
    let theme: String
    let url: String
    /// Residents in the site's unit whose surveyed needs of the work's theme are unmet.
    let residentsWaiting: Int
    let recentViews: Int64
}

struct RankedOfficer: Codable, Sendable {
    let officerId: String
    let siteId: String
    let unitPath: [String]
    let points: Int64
    let districtRank: Int
    let cityRank: Int
}

struct OfficerView: Codable, Sendable {
    let officerId: String
    let name: String?
    let phone: String?
    let points: Int64
    let active: Bool
}

/// A list answered as one JSON object.
struct Listing<Item: Codable & Sendable>: ResponseEncodable {
    let items: [Item]
}
