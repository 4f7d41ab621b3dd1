import Foundation
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// Venues as the admin API writes them.
struct VenueStore {
    let client: PostgresClient
    let logger: Logger

    /// Creates or replaces a venue and, for a museum, its dedicated-session settings, in one transaction.
    func save(_ input: VenueInput) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO venue (id, kind, name, unit_path) VALUES (\(input.id), \(input.kind), \(input.name), \(input.unitPath ?? []))
                ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, unit_path = EXCLUDED.unit_path
                """, logger: logger)
            guard let d = input.dedicatedSessions else { return }
            let groupMin = d.groupMin ?? 5
            try await connection.query(
                """
                INSERT INTO museum_dedicated_settings (venue_id, threshold, capacity, cutoff_days, start_time, duration_minutes, group_min, group_max)
                VALUES (\(input.id), \(d.threshold), \(d.capacity), \(d.cutoffDays), \(d.startTime ?? "09:30"), \(d.durationMinutes ?? 120),
                        \(groupMin), \(d.groupMax ?? max(groupMin, 60)))
                ON CONFLICT (venue_id) DO UPDATE SET
                    threshold = EXCLUDED.threshold, capacity = EXCLUDED.capacity, cutoff_days = EXCLUDED.cutoff_days,
                    start_time = EXCLUDED.start_time, duration_minutes = EXCLUDED.duration_minutes,
                    group_min = EXCLUDED.group_min, group_max = EXCLUDED.group_max
                """, logger: logger)
        }
    }

    /// One venue as booking holds it, or nil.
    func venue(_ id: String) async throws -> VenueView? {
        let rows = try await client.query(
            """
            SELECT v.id, v.kind, v.name, v.unit_path, v.status, v.in_registry, m.venue_id IS NOT NULL
            FROM venue v LEFT JOIN museum_dedicated_settings m ON m.venue_id = v.id WHERE v.id = \(id)
            """, logger: logger)
        for try await columns in rows.decode(VenueView.Columns.self) { return VenueView(columns) }
        return nil
    }

    /// The venues' paths (unit path, then the venue itself), for scope checks; unknown venues are left out.
    func paths(venues ids: [String]) async throws -> [String: [String]] {
        let rows = try await client.query("SELECT id, unit_path FROM venue WHERE id = ANY(\(ids)::text[])", logger: logger)
        var paths: [String: [String]] = [:]
        for try await (id, unitPath) in rows.decode((String, [String]).self) { paths[id] = unitPath + [id] }
        return paths
    }

    /// The path of a session's venue, or nil for an unknown session.
    func path(session id: String) async throws -> [String]? {
        let rows = try await client.query(
            "SELECT v.id, v.unit_path FROM session s JOIN venue v ON v.id = s.venue_id WHERE s.id = \(id)", logger: logger)
        for try await (venue, unitPath) in rows.decode((String, [String]).self) { return unitPath + [venue] }
        return nil
    }
}
