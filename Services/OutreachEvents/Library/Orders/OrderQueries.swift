import Foundation
import KepuDomain
import Logging
import PostgresNIO

/// Orders as the admin API reads them.
struct OrderQueries {
    let client: PostgresClient
    let logger: Logger

    /// The ordering site's path (its unit's, then the site) and the provider, for scope checks.
    func scope(_ id: String) async throws -> (sitePath: [String], providerId: String?)? {
        let rows = try await client.query(
            """
            SELECT u.path || s.id, o.provider_id FROM activity_order o JOIN network_site s ON s.id = o.site_id
            JOIN network_unit u ON u.id = s.unit_id WHERE o.id = \(id)
            """, logger: logger
        ).collect()
        return try rows.first.map { try $0.decode(([String], String?).self) }.map { (sitePath: $0.0, providerId: $0.1) }
    }

    func view(_ id: String) async throws -> OrderView? {
        let rows = try await client.query(
            """
            SELECT id, status, site_id, programme_id, provider_id, to_char(from_day, 'YYYY-MM-DD'), to_char(until_day, 'YYYY-MM-DD'),
                   expected_audience, note, event_id, deadline_at, overdue_raised
            FROM activity_order WHERE id = \(id)
            """, logger: logger
        ).collect()
        guard let c = try rows.first?.decode((String, OrderStatus, String, String, String?, String, String, Int, String?, String?, Date?, Bool).self)
        else { return nil }
        var steps: [OrderView.Step] = []
        for try await (status, step, actor, role, at, reason) in try await client.query(
            "SELECT status, step, actor, actor_role, at, reason FROM order_step WHERE order_id = \(id) ORDER BY seq", logger: logger
        ).decode((OrderStatus, String, String, String, Date, String?).self) {
            steps.append(OrderView.Step(status: status, step: step, actor: actor, actorRole: role, at: at, reason: reason))
        }
        return OrderView(
            orderId: c.0, status: c.1, siteId: c.2, programmeId: c.3, providerId: c.4, from: c.5, until: c.6, expectedAudience: c.7, note: c.8,
            eventId: c.9, deadline: c.10, overdue: c.11, steps: steps)
    }
}
