import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// A unit as the API shows it.
struct UnitInfo: Sendable, Hashable, Encodable {
    let id: String
    let level: UnitLevel
    let path: [String]
    let parentId: String?
    /// From the registry; nil for a unit only sessions named.
    var name: String? = nil
    /// Resident population (常住人口), from the registry, when known.
    var population: Int? = nil
    /// The day a pilot district (试点区) started, from the registry (2022).
    var pilotSince: ShanghaiDay? = nil

    enum CodingKeys: String, CodingKey {
        case id = "unit"
        case level, path, name, population
        case parentId = "parent"
    }

    // A city has no parent: written as null, so every unit has the same fields.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(level, forKey: .level)
        try container.encode(path, forKey: .path)
        try container.encode(parentId, forKey: .parentId)
        try container.encode(name, forKey: .name)
        try container.encode(population, forKey: .population)
    }
}

/// Reads for the HTTP API, the dashboard and the report.
struct KPIQueries {
    let client: PostgresClient
    let logger: Logger

    func unit(_ id: String) async throws -> UnitInfo? {
        try await Self.decodeUnits(try await client.query("\(unescaped: Self.unitColumns) WHERE unit_id = \(id)", logger: logger)).first
    }

    /// Units with no parent (the cities).
    func roots() async throws -> [UnitInfo] {
        try await Self.decodeUnits(try await client.query("\(unescaped: Self.unitColumns) WHERE parent_id IS NULL ORDER BY unit_id", logger: logger))
    }

    func children(of id: String) async throws -> [UnitInfo] {
        try await Self.decodeUnits(try await client.query("\(unescaped: Self.unitColumns) WHERE parent_id = \(id) ORDER BY unit_id", logger: logger))
    }

    func units(atLevel level: UnitLevel) async throws -> [UnitInfo] {
        try await Self.decodeUnits(try await client.query("\(unescaped: Self.unitColumns) WHERE level = \(level) ORDER BY unit_id", logger: logger))
    }

    private static let unitColumns =
        "SELECT unit_id, level, array_to_string(path, '|'), parent_id, name, population, to_char(pilot_since, 'YYYY-MM-DD') FROM metric_unit"

    private static func decodeUnits(_ rows: PostgresRowSequence) async throws -> [UnitInfo] {
        var result: [UnitInfo] = []
        for try await (id, level, path, parent, name, population, pilot) in rows.decode(
            (String, UnitLevel, String, String?, String?, Int?, String?).self)
        {
            result.append(
                UnitInfo(
                    id: id, level: level, path: path.split(separator: "|").map(String.init), parentId: parent, name: name, population: population,
                    pilotSince: pilot.flatMap(ShanghaiDay.init)))
        }
        return result
    }

    /// The counts of several units in one period.
    /// `counts`: only these are read (the others are zero), for a reader that needs a few of many units' periods.
    func values(units: [String], period: ReportingPeriod, counts: [KPI] = KPI.counts) async throws -> [String: KPIValues] {
        guard !units.isEmpty, !counts.isEmpty else { return [:] }
        // Column names from the closed set of counts; every value bound.
        let columns = counts.count == KPI.counts.count ? KPI.columns : counts.map(\.rawValue).joined(separator: ", ")
        let rows = try await client.query(
            """
            SELECT unit_id, \(unescaped: columns) FROM kpi_counter
            WHERE unit_id = ANY(\(units)::text[]) AND period_kind = \(period.kind.rawValue) AND period_key = \(period.key)
            """, logger: logger)
        var result: [String: KPIValues] = [:]
        for unit in units { result[unit] = KPIValues() }
        for try await row in rows {
            let columns = row.makeRandomAccess()
            result[try columns[0].decode(String.self)] = try KPIValues(row: columns, from: 1, counts: counts)
        }
        return result
    }

    /// Day by day, a unit's counts over `days` (inclusive).
    func dailyValues(unit: String, days: ClosedRange<ShanghaiDay>) async throws -> [(day: ShanghaiDay, values: KPIValues)] {
        let rows = try await client.query(
            """
            SELECT period_key, \(unescaped: KPI.columns) FROM kpi_counter
            WHERE unit_id = \(unit) AND period_kind = 'day' AND period_key BETWEEN \(days.lowerBound.description) AND \(days.upperBound.description)
            """, logger: logger)
        var byDay: [ShanghaiDay: KPIValues] = [:]
        for try await row in rows {
            let columns = row.makeRandomAccess()
            guard let day = ShanghaiDay(try columns[0].decode(String.self)) else { continue }
            byDay[day] = try KPIValues(row: columns, from: 1)
        }
        return days.map { ($0, byDay[$0] ?? KPIValues()) }
    }

    /// Per unit, the counts summed over a range of days: read through `kpi_counter_day`, not the whole table.
    static func windowTotalsQuery(days: ClosedRange<ShanghaiDay>) -> PostgresQuery {
        """
        SELECT unit_id, \(unescaped: KPI.counts.map { "sum(\($0))::bigint" }.joined(separator: ", ")) FROM kpi_counter
        WHERE period_kind = 'day' AND period_key BETWEEN \(days.lowerBound.description) AND \(days.upperBound.description)
        GROUP BY unit_id
        """
    }

    /// Per unit, the counts summed over a range of days (the weak-spot rules' rolling window).
    func windowTotals(days: ClosedRange<ShanghaiDay>) async throws -> [String: KPIValues] {
        let rows = try await client.query(Self.windowTotalsQuery(days: days), logger: logger)
        var result: [String: KPIValues] = [:]
        for try await row in rows {
            let columns = row.makeRandomAccess()
            result[try columns[0].decode(String.self)] = try KPIValues(row: columns, from: 1)
        }
        return result
    }

    /// Per session unit (site), the last day a session was held (started by `now`), and the units' info.
    /// Per unit known only from sessions (not in the registry, whose sites `sitesLastHeld` covers), the last day a
    /// session was held.
    func lastSessionHeld(before now: Date) async throws -> [(unit: String, lastDay: ShanghaiDay)] {
        let rows = try await client.query(
            """
            SELECT unit_id, (max(day) - date '1970-01-01') FROM metric_session
            WHERE starts_at <= \(now) AND unit_id NOT IN (SELECT unit_id FROM metric_unit WHERE in_registry)
            GROUP BY unit_id
            """, logger: logger)
        var result: [(String, ShanghaiDay)] = []
        for try await (unit, day) in rows.decode((String, Int).self) { result.append((unit, ShanghaiDay(number: day))) }
        return result
    }

    /// When sessions were held, to judge past days (`SessionHistory`): each active registry site's joining day, and
    /// per site (by venue) or other unit sessions named (by unit, as `lastSessionHeld`) the last session day of each
    /// month, up to `last`. Two queries, whatever the number of months judged.
    func sessionHistory(through last: ShanghaiDay) async throws -> SessionHistory {
        var history = SessionHistory()
        let sites = try await client.query("SELECT site_id, (joined - date '1970-01-01') FROM metric_site WHERE active", logger: logger)
        for try await (site, day) in sites.decode((String, Int).self) { history.joined[site] = ShanghaiDay(number: day) }
        let rows = try await client.query(
            """
            SELECT CASE WHEN s.site_id IS NOT NULL THEN m.venue_id ELSE m.unit_id END, (max(m.day) - date '1970-01-01')
            FROM metric_session m LEFT JOIN metric_site s ON s.site_id = m.venue_id AND s.active
            WHERE m.day <= date '1970-01-01' + \(last.number)::int
              AND (s.site_id IS NOT NULL OR m.unit_id NOT IN (SELECT unit_id FROM metric_unit WHERE in_registry))
            GROUP BY 1, date_trunc('month', m.day)
            ORDER BY 2
            """, logger: logger)
        for try await (unit, day) in rows.decode((String, Int).self) { history.held[unit, default: []].append(ShanghaiDay(number: day)) }
        return history
    }

    /// Every active site of the registry, with the last day a session was held at it, or (never held) the day
    /// it joined: a site that never held a session is idle since then.
    func sitesLastHeld(before now: Date) async throws -> [(site: String, lastDay: ShanghaiDay, neverHeld: Bool)] {
        let rows = try await client.query(
            """
            SELECT s.site_id, (coalesce(held.day, s.joined) - date '1970-01-01'), held.day IS NULL
            FROM metric_site s
            LEFT JOIN LATERAL (SELECT max(m.day) AS day FROM metric_session m WHERE m.venue_id = s.site_id AND m.starts_at <= \(now)) held ON true
            WHERE s.active
            """, logger: logger)
        var result: [(String, ShanghaiDay, Bool)] = []
        for try await (site, day, never) in rows.decode((String, Int, Bool).self) { result.append((site, ShanghaiDay(number: day), never)) }
        return result
    }

    /// Sessions whose day is in `days`, with their tallies.
    /// The `limit` best sessions of the days by `Recognition.sessionScore`, computed and ordered by PostgreSQL:
    /// a phase of three years holds hundreds of thousands of sessions, and only the top ones leave the database (a
    /// bounded top-N sort there, not every row here).
    func topSessions(in days: ClosedRange<ShanghaiDay>, limit: Int) async throws -> [(session: SessionTallyRow, score: Double)] {
        let rows = try await client.query(
            """
            SELECT session_id, title, unit_id, venue_kind, day::text, capacity, seats_booked, bookings_made, check_ins, no_shows,
                   \(unescaped: Recognition.sessionScoreSQL) AS score
            FROM metric_session
            WHERE day BETWEEN \(days.lowerBound.description)::date AND \(days.upperBound.description)::date AND bookings_made > 0
            ORDER BY score DESC, session_id LIMIT \(max(0, min(limit, 1000)))
            """, logger: logger)
        var result: [(SessionTallyRow, Double)] = []
        for try await (sessionId, title, unitId, venueKind, day, capacity, seatsBooked, bookingsMade, checkIns, noShows, score) in rows.decode(
            (String, String, String, String, String, Int, Int64, Int64, Int64, Int64, Double).self)
        {
            result.append(
                (
                    SessionTallyRow(
                        sessionId: sessionId, title: title, unitId: unitId, venueKind: venueKind, day: day, capacity: Int64(capacity),
                        seatsBooked: seatsBooked,
                        bookingsMade: bookingsMade, checkIns: checkIns, noShows: noShows), score
                ))
        }
        return result
    }

    func openAlerts() async throws -> [OpenAlert] {
        let rows = try await client.query(
            """
            SELECT a.rule, a.unit_id, coalesce(u.level, 'site'), a.value, a.threshold, a.detail, a.raised_at
            FROM weak_spot_alert a LEFT JOIN metric_unit u USING (unit_id) WHERE a.resolved_at IS NULL ORDER BY a.raised_at, a.rule, a.unit_id
            """, logger: logger)
        var result: [OpenAlert] = []
        for try await (rule, unit, level, value, threshold, detail, raisedAt) in rows.decode(
            (WeakSpotRule, String, UnitLevel, Double, Double, String, Date).self)
        {
            result.append(OpenAlert(rule: rule, unit: unit, level: level, value: value, threshold: threshold, detail: detail, raisedAt: raisedAt))
        }
        return result
    }
}

/// One session's tallies, for ranking sessions and activities (in the API: `session`, `unit`, and the rest by name).
struct SessionTallyRow: Sendable, Hashable, Encodable {
    let sessionId: String
    let title: String
    let unitId: String
    let venueKind: String
    let day: String
    let capacity: Int64
    let seatsBooked: Int64
    let bookingsMade: Int64
    let checkIns: Int64
    let noShows: Int64

    enum CodingKeys: String, CodingKey {
        case sessionId = "session"
        case title
        case unitId = "unit"
        case venueKind, day, capacity, seatsBooked, bookingsMade, checkIns, noShows
    }
}

extension KPIQueries {
    /// Staffing coverage (三级组织体系: staff in every center, institute and station) of each child of `unit`: its
    /// active practice sites of those kinds, and how many have at least one active member of staff.
    func staffing(under unit: String) async throws -> [StaffingCoverage] {
        let rows = try await client.query(
            """
            SELECT c.unit_id, c.name, count(s.site_id)::int,
                   (count(s.site_id) FILTER (WHERE EXISTS (SELECT 1 FROM metric_staff f WHERE f.place_id = s.site_id AND f.active)))::int
            FROM metric_unit c
            LEFT JOIN metric_unit su ON c.unit_id = ANY(su.path) AND su.level = 'site'
            LEFT JOIN metric_site s ON s.site_id = su.unit_id AND s.active AND s.kind IN ('center', 'institute', 'station')
            WHERE c.parent_id = \(unit) AND c.level <> 'site'
            GROUP BY c.unit_id, c.name ORDER BY c.unit_id
            """, logger: logger)
        var result: [StaffingCoverage] = []
        for try await (id, name, sites, staffed) in rows.decode((String, String?, Int, Int).self) {
            result.append(StaffingCoverage(unit: id, name: name, practiceSites: sites, staffed: staffed))
        }
        return result
    }

    /// Per child of `unit`: its active practice sites, and how many held at least one activity in `period` (a site
    /// retired since is not counted, as the registry stands now).
    func activityCoverage(under unit: String, period: ReportingPeriod) async throws -> [ActivityCoverage] {
        let rows = try await client.query(
            """
            SELECT c.unit_id, c.name, count(s.site_id)::int, (count(s.site_id) FILTER (WHERE k.activities_held > 0))::int
            FROM metric_unit c
            LEFT JOIN metric_unit su ON c.unit_id = ANY(su.path) AND su.level = 'site'
            LEFT JOIN metric_site s ON s.site_id = su.unit_id AND s.active AND s.kind IN ('center', 'institute', 'station', 'practice_point')
            LEFT JOIN kpi_counter k ON k.unit_id = s.site_id AND k.period_kind = \(period.kind.rawValue) AND k.period_key = \(period.key)
            WHERE c.parent_id = \(unit) AND c.level <> 'site'
            GROUP BY c.unit_id, c.name ORDER BY c.unit_id
            """, logger: logger)
        var result: [ActivityCoverage] = []
        for try await (id, name, sites, held) in rows.decode((String, String?, Int, Int).self) {
            result.append(ActivityCoverage(unit: id, name: name, practiceSites: sites, held: held))
        }
        return result
    }
}
