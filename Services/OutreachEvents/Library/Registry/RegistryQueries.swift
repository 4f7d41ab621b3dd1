import KepuDomain
import Logging
import PostgresNIO

/// The registry's reads: one unit or site, a unit's children and sites, a page at a time.
struct RegistryQueries {
    let client: PostgresClient
    let logger: Logger

    func unit(_ id: String) async throws -> UnitView? {
        let rows = try await client.query(
            """
            SELECT u.id, u.level, u.name, u.parent_id, u.path, u.population, u.population_estimated, to_char(u.pilot_since, 'YYYY-MM-DD'),
                   (SELECT count(*) FROM network_unit c WHERE c.parent_id = u.id), (SELECT count(*) FROM network_site s WHERE s.unit_id = u.id)
            FROM network_unit u WHERE u.id = \(id)
            """, logger: logger)
        for try await columns in rows.decode(UnitView.Columns.self) { return UnitView(columns) }
        return nil
    }

    func children(of id: String, after: String, limit: Int) async throws -> [UnitView] {
        let rows = try await client.query(
            """
            SELECT u.id, u.level, u.name, u.parent_id, u.path, u.population, u.population_estimated, to_char(u.pilot_since, 'YYYY-MM-DD'),
                   (SELECT count(*) FROM network_unit c WHERE c.parent_id = u.id), (SELECT count(*) FROM network_site s WHERE s.unit_id = u.id)
            FROM network_unit u WHERE u.parent_id = \(id) AND u.id > \(after) ORDER BY u.id LIMIT \(limit)
            """, logger: logger)
        var units: [UnitView] = []
        for try await columns in rows.decode(UnitView.Columns.self) { units.append(UnitView(columns)) }
        return units
    }

    func site(_ id: String) async throws -> SiteView? {
        let rows = try await client.query(
            """
            SELECT s.id, s.kind, s.name, s.address, s.unit_id, u.path, s.status, to_char(s.since, 'YYYY-MM-DD'), to_char(s.until, 'YYYY-MM-DD')
            FROM network_site s JOIN network_unit u ON u.id = s.unit_id WHERE s.id = \(id)
            """, logger: logger)
        for try await columns in rows.decode(SiteView.Columns.self) { return SiteView(columns) }
        return nil
    }

    func sites(of unit: String, after: String, limit: Int) async throws -> [SiteView] {
        let rows = try await client.query(
            """
            SELECT s.id, s.kind, s.name, s.address, s.unit_id, u.path, s.status, to_char(s.since, 'YYYY-MM-DD'), to_char(s.until, 'YYYY-MM-DD')
            FROM network_site s JOIN network_unit u ON u.id = s.unit_id
            WHERE s.unit_id = \(unit) AND s.id > \(after) ORDER BY s.id LIMIT \(limit)
            """, logger: logger)
        var sites: [SiteView] = []
        for try await columns in rows.decode(SiteView.Columns.self) { sites.append(SiteView(columns)) }
        return sites
    }

    /// A unit's path (city first, the unit last), or nil.
    func path(unit id: String) async throws -> [String]? {
        for try await path in try await client.query("SELECT path FROM network_unit WHERE id = \(id)", logger: logger).decode([String].self) {
            return path
        }
        return nil
    }

    /// A site's path (its unit's path, then the site), or nil.
    func path(site id: String) async throws -> [String]? {
        let rows = try await client.query(
            "SELECT u.path FROM network_site s JOIN network_unit u ON u.id = s.unit_id WHERE s.id = \(id)", logger: logger)
        for try await path in rows.decode([String].self) { return path + [id] }
        return nil
    }

    /// The path of a unit or a site (a site's ends with the site), or nil when the registry has neither.
    func path(place id: String) async throws -> [String]? {
        if let unit = try await path(unit: id) { return unit }
        return try await path(site: id)
    }
}
