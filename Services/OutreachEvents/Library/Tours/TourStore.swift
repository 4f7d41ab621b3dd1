import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// How long an exhibit kit takes between two stops where the city has not said (`district_travel`): within one
/// district, or across districts (Shenzhen's districts are an hour or two apart by truck).
struct KitTravel: Sendable, Hashable {
    var sameDistrictMinutes: Int
    var acrossDistrictsMinutes: Int

    static let defaults = KitTravel(sameDistrictMinutes: 60, acrossDistrictsMinutes: 120)

    /// From the district of the kit's previous stop (nil: it comes from the depot, as far as across districts).
    func minutes(from previous: String?, to district: String) -> Int {
        previous == district ? sameDistrictMinutes : acrossDistrictsMinutes
    }
}

/// The mobile science museum (流动科技馆进社区): exhibit kits and the tours they make. Each stop is an event at
/// its site (bookable when it has seats) and holds its kit from travel and set-up before it to tear-down after;
/// the database's exclusion constraint `kit_in_one_place` refuses two holds of one kit that overlap, however many
/// dispatchers write at once.
struct TourStore {
    let logger: Logger
    let travel: KitTravel
    let deadlines: OrderDeadlines

    /// Why a stop cannot be made.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    func putKit(_ id: String, _ input: KitInput, on client: PostgresClient) async throws {
        try await client.query(
            """
            INSERT INTO exhibit_kit (id, name, setup_minutes, teardown_minutes, active)
            VALUES (\(id), \(input.name), \(input.setupMinutes), \(input.teardownMinutes), \(input.active ?? true))
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, setup_minutes = EXCLUDED.setup_minutes,
                teardown_minutes = EXCLUDED.teardown_minutes, active = EXCLUDED.active
            """, logger: logger)
    }

    /// Adds a stop to the tour: its event (a draft exhibition at the site) and the kit's hold. Throws `Refusal`
    /// when the kit is elsewhere then (the constraint's refusal, SQLSTATE 23P01) or a reference is missing.
    func addStop(tour: String, _ stop: TourStopInput, eventId: String, in transaction: HandlerTransaction) async throws {
        let connection = transaction.connection
        // Dispatchers of one kit take turns: two concurrent holds that overlap would otherwise each wait for the
        // other's row in the exclusion check and one would die of a deadlock instead of a clear refusal. The
        // constraint stays the guarantee (a writer that skips this lock is still refused).
        let kits = try await connection.query(
            "SELECT setup_minutes, teardown_minutes FROM exhibit_kit WHERE id = \(stop.kitId) AND active FOR NO KEY UPDATE", logger: logger
        ).collect()
        guard let (setup, teardown) = try kits.first?.decode((Int, Int).self) else {
            throw Refusal(description: "kit \(stop.kitId) is not an active kit")
        }
        let sites = try await connection.query(
            "SELECT s.kind, u.path FROM network_site s JOIN network_unit u ON u.id = s.unit_id WHERE s.id = \(stop.siteId)", logger: logger
        ).collect()
        guard let (kind, path) = try sites.first?.decode((SiteKind, [String]).self) else {
            throw Refusal(description: "site \(stop.siteId) is not in the registry")
        }
        let district = path.count > 1 ? path[1] : path[0]
        let previous = try await connection.query(
            """
            SELECT t.district_id FROM tour_stop t JOIN activity_event e ON e.id = t.event_id
            WHERE t.kit_id = \(stop.kitId) AND NOT t.cancelled AND e.ends_at <= \(stop.startsAt) ORDER BY e.ends_at DESC LIMIT 1
            """, logger: logger
        ).collect().first.map { try $0.decode(String.self) }
        let minutes = try await travelMinutes(from: previous, to: district, on: connection)
        let created = try await EventStore(logger: logger, deadlines: deadlines).create(
            ActivityEventRecord(
                eventId: eventId, status: .draft, title: stop.title, siteId: stop.siteId, siteKind: kind, sitePath: path, theme: stop.theme,
                format: .exhibition, campaigns: stop.campaigns ?? [], startsAt: stop.startsAt, endsAt: stop.endsAt, seats: stop.seats,
                tourId: tour, kitId: stop.kitId),
            in: transaction)
        guard created else { throw Refusal(description: "event \(eventId) exists") }
        do {
            try await connection.query(
                """
                INSERT INTO tour_stop (event_id, tour_id, kit_id, district_id, travel_minutes, occupied)
                VALUES (\(eventId), \(tour), \(stop.kitId), \(district), \(minutes),
                        tstzrange(\(stop.startsAt)::timestamptz - make_interval(mins => \(setup + minutes)::int),
                                  \(stop.endsAt)::timestamptz + make_interval(mins => \(teardown)::int), '[)'))
                """, logger: logger)
            // The kit's next stop now comes from here: its travel is recomputed, and must still fit.
            try await connection.query(
                """
                UPDATE tour_stop t SET travel_minutes = n.travel,
                       occupied = tstzrange(e.starts_at - make_interval(mins => (k.setup_minutes + n.travel)::int), upper(t.occupied), '[)')
                FROM (SELECT t2.event_id,
                             coalesce(d.minutes, CASE WHEN t2.district_id = \(district) THEN \(travel.sameDistrictMinutes)
                                                      ELSE \(travel.acrossDistrictsMinutes) END) AS travel
                      FROM tour_stop t2 JOIN activity_event e2 ON e2.id = t2.event_id
                      LEFT JOIN district_travel d ON d.from_district = \(district) AND d.to_district = t2.district_id
                      WHERE t2.kit_id = \(stop.kitId) AND NOT t2.cancelled AND e2.starts_at >= \(stop.endsAt)
                      ORDER BY e2.starts_at LIMIT 1) n, activity_event e, exhibit_kit k
                WHERE t.event_id = n.event_id AND e.id = t.event_id AND k.id = t.kit_id
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23P01" {
            throw Refusal(description: "kit \(stop.kitId) is elsewhere then (travel, set-up and tear-down included)")
        }
    }

    /// Moves a tour stop's hold with its event's new times (the kit's lock first, as for a new stop); throws
    /// `Refusal` when the kit is elsewhere then. Nothing for an event that is not a stop.
    static func followTimes(of event: String, on connection: PostgresConnection, logger: Logger) async throws {
        let kits = try await connection.query(
            """
            SELECT k.id FROM tour_stop t JOIN exhibit_kit k ON k.id = t.kit_id WHERE t.event_id = \(event) AND NOT t.cancelled
            FOR NO KEY UPDATE OF k
            """, logger: logger
        ).collect()
        guard let kit = try kits.first?.decode(String.self) else { return }
        do {
            try await connection.query(
                """
                UPDATE tour_stop t
                SET occupied = tstzrange(e.starts_at - make_interval(mins => (k.setup_minutes + t.travel_minutes)::int),
                                         e.ends_at + make_interval(mins => k.teardown_minutes), '[)')
                FROM activity_event e, exhibit_kit k WHERE t.event_id = \(event) AND e.id = t.event_id AND k.id = t.kit_id
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23P01" {
            throw Refusal(description: "kit \(kit) is elsewhere then (travel, set-up and tear-down included)")
        }
    }

    /// Minutes from the previous stop's district (nil: the depot) to `district`: the city's table, else the settings.
    private func travelMinutes(from previous: String?, to district: String, on connection: PostgresConnection) async throws -> Int {
        if let previous {
            let rows = try await connection.query(
                "SELECT minutes FROM district_travel WHERE from_district = \(previous) AND to_district = \(district)", logger: logger
            ).collect()
            if let minutes = try rows.first?.decode(Int.self) { return minutes }
        }
        return travel.minutes(from: previous, to: district)
    }

    /// Sets the travel time between two districts, both ways.
    func setTravel(_ input: DistrictTravelInput, on client: PostgresClient) async throws {
        try await client.query(
            """
            INSERT INTO district_travel (from_district, to_district, minutes)
            VALUES (\(input.from), \(input.to), \(input.minutes)), (\(input.to), \(input.from), \(input.minutes))
            ON CONFLICT (from_district, to_district) DO UPDATE SET minutes = EXCLUDED.minutes
            """, logger: logger)
    }

    func travelTimes(on client: PostgresClient) async throws -> DistrictTravelList {
        var entries: [DistrictTravelInput] = []
        for try await (from, to, minutes) in try await client.query(
            "SELECT from_district, to_district, minutes FROM district_travel ORDER BY 1, 2 LIMIT 10000", logger: logger
        ).decode((String, String, Int).self) {
            entries.append(DistrictTravelInput(from: from, to: to, minutes: minutes))
        }
        return DistrictTravelList(
            travel: entries, sameDistrictMinutes: travel.sameDistrictMinutes, acrossDistrictsMinutes: travel.acrossDistrictsMinutes)
    }

    /// A kit's holds from `from` on, in time order.
    func schedule(kit: String, from: Date, on client: PostgresClient) async throws -> KitSchedule {
        var stops: [KitSchedule.Stop] = []
        for try await (eventId, tour, site, starts, ends, heldFrom, heldUntil, travelMinutes) in try await client.query(
            """
            SELECT t.event_id, t.tour_id, e.site_id, e.starts_at, e.ends_at, lower(t.occupied), upper(t.occupied), t.travel_minutes
            FROM tour_stop t JOIN activity_event e ON e.id = t.event_id
            WHERE t.kit_id = \(kit) AND NOT t.cancelled AND upper(t.occupied) > \(from) ORDER BY lower(t.occupied) LIMIT 500
            """, logger: logger
        ).decode((String, String, String, Date, Date, Date, Date, Int).self) {
            stops.append(
                KitSchedule.Stop(
                    eventId: eventId, tourId: tour, siteId: site, startsAt: starts, endsAt: ends, heldFrom: heldFrom, heldUntil: heldUntil,
                    travelMinutes: travelMinutes))
        }
        return KitSchedule(kitId: kit, stops: stops)
    }
}
