import Foundation
import KepuContracts
import KepuRuntime
import PostgresNIO

/// Information officers (信息员) of 科普中国 on each site's roster: their contact details stay here; their points come
/// from the engagement fold (`EngagementFold`), their ranks from `GET /officers/rankings`.
struct OfficerStore {
    let logger: Logger

    func register(_ officer: OfficerRegistered, in transaction: HandlerTransaction) async throws -> ContentRefusal? {
        let connection = transaction.connection
        guard try await !connection.query("SELECT 1 FROM site WHERE id = \(officer.siteId) AND active", logger: logger).collect().isEmpty else {
            return ContentRefusal(.unknownSite, "site \(officer.siteId) is not an active site of the registry")
        }
        // Joining again (or moving to another site) keeps the points.
        try await connection.query(
            """
            INSERT INTO officer (id, site_id, name, phone) VALUES (\(officer.officerId), \(officer.siteId), \(officer.name), \(officer.phone))
            ON CONFLICT (id) DO UPDATE SET site_id = EXCLUDED.site_id, name = EXCLUDED.name, phone = EXCLUDED.phone, left_at = NULL,
                version = officer.version + 1
            """, logger: logger)
        return nil
    }

    /// Takes an officer off the roster; their name and phone are erased after the retention period.
    func leave(_ officerId: String, client: PostgresClient) async throws {
        try await client.query("UPDATE officer SET left_at = now() WHERE id = \(officerId) AND left_at IS NULL", logger: logger)
    }
}
