import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import Logging
import PostgresNIO

/// An event as anyone may read it, with its residents' ratings.
struct EventView: ResponseEncodable {
    let event: ActivityEventRecord
    let rating: EventRating?
    /// What volunteer last said of the event's volunteer needs.
    let volunteers: VolunteerStaffingView?
}

struct VolunteerStaffingView: Encodable {
    let needed: Int
    let accepted: Int
    let offered: Int
    let short: Int
    let shortfallRaisedAt: Date?
}

/// `GET /api/events`: a page of events by start; `next` is the `after` of the next page.
struct EventPage: ResponseEncodable {
    struct Entry: Encodable {
        let eventId: String
        let status: ActivityEventStatus
        let title: String
        let siteId: String
        let theme: String
        let format: ActivityFormat
        let campaigns: [String]
        let startsAt: Date
        let endsAt: Date
    }

    let events: [Entry]
    let next: String?
}

struct CampaignView: ResponseEncodable, Equatable {
    let campaignId: String
    let name: String
    let from: String
    let until: String
    let themes: [String]
}

struct CampaignList: ResponseEncodable {
    let campaigns: [CampaignView]
}

/// Events and campaigns as the public API reads them.
struct EventQueries {
    let client: PostgresClient
    let logger: Logger
    let deadlines: OrderDeadlines

    func view(_ id: String) async throws -> EventView? {
        try await client.withConnection { connection in
            guard let record = try await EventStore(logger: logger, deadlines: deadlines).record(id, on: connection) else { return nil }
            let rows = try await connection.query(
                "SELECT count(*)::int, coalesce(avg(score), 0)::float8 FROM event_rating WHERE event_id = \(id)", logger: logger
            ).collect()
            let (count, average) = try rows.first?.decode((Int, Double).self) ?? (0, 0)
            let staffing = try await connection.query(
                "SELECT needed, accepted, offered, short, shortfall_raised_at FROM event_staffing WHERE event_id = \(id)", logger: logger
            ).collect().first.map { row in
                let (needed, accepted, offered, short, raised) = try row.decode((Int, Int, Int, Int, Date?).self)
                return VolunteerStaffingView(needed: needed, accepted: accepted, offered: offered, short: short, shortfallRaisedAt: raised)
            }
            return EventView(
                event: record, rating: count == 0 ? nil : EventRating(ratings: count, average: (average * 100).rounded() / 100), volunteers: staffing)
        }
    }

    /// Scope paths for an event: its site's unit path, then the site.
    func sitePath(event id: String) async throws -> [String]? {
        let rows = try await client.query(
            """
            SELECT u.path || s.id FROM activity_event e JOIN network_site s ON s.id = e.site_id JOIN network_unit u ON u.id = s.unit_id
            WHERE e.id = \(id)
            """, logger: logger
        ).collect()
        return try rows.first?.decode([String].self)
    }

    /// Scope paths of many events, by id (unknown ids are absent).
    func sitePaths(events ids: [String]) async throws -> [String: [String]] {
        var paths: [String: [String]] = [:]
        for try await (id, path) in try await client.query(
            """
            SELECT e.id, u.path || s.id FROM activity_event e JOIN network_site s ON s.id = e.site_id JOIN network_unit u ON u.id = s.unit_id
            WHERE e.id = ANY(\(ids)::text[])
            """, logger: logger
        ).decode((String, [String]).self) {
            paths[id] = path
        }
        return paths
    }

    /// Events not in draft, by id, filtered by campaign and site.
    func list(campaign: String?, site: String?, after: String, limit: Int) async throws -> EventPage {
        var entries: [EventPage.Entry] = []
        for try await (id, status, title, siteId, theme, format, campaigns, startsAt, endsAt) in try await client.query(
            """
            SELECT id, status, title, site_id, theme, format, campaigns, starts_at, ends_at FROM activity_event
            WHERE status <> 'draft' AND id > \(after)
              AND (\(campaign)::text IS NULL OR campaigns @> ARRAY[\(campaign)::text])
              AND (\(site)::text IS NULL OR site_id = \(site))
            ORDER BY id LIMIT \(limit)
            """, logger: logger
        ).decode((String, ActivityEventStatus, String, String, String, ActivityFormat, [String], Date, Date).self) {
            entries.append(
                EventPage.Entry(
                    eventId: id, status: status, title: title, siteId: siteId, theme: theme, format: format, campaigns: campaigns,
                    startsAt: startsAt, endsAt: endsAt))
        }
        return EventPage(events: entries, next: entries.count == limit ? entries.last?.eventId : nil)
    }

    func campaigns(year: Int?) async throws -> CampaignList {
        var campaigns: [CampaignView] = []
        for try await (id, name, from, until, themes) in try await client.query(
            """
            SELECT id, name, to_char(from_day, 'YYYY-MM-DD'), to_char(until_day, 'YYYY-MM-DD'), themes FROM campaign
            WHERE \(year)::int IS NULL OR extract(year FROM from_day) = \(year) ORDER BY from_day, id LIMIT 1000
            """, logger: logger
        ).decode((String, String, String, String, [String]).self) {
            campaigns.append(CampaignView(campaignId: id, name: name, from: from, until: until, themes: themes))
        }
        return CampaignList(campaigns: campaigns)
    }
}
