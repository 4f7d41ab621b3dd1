import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// Orders (点单) in the caller's transaction: every step locks the order's row, follows `OrderAction`'s table,
/// records who took it and publishes the order with its next deadline.
struct OrderStore {
    let logger: Logger
    let deadlines: OrderDeadlines

    enum Placed: Equatable {
        case placed
        /// The same order was placed before (a repeated request).
        case repeated
        case refused(OutreachRejection, String)
    }

    func place(_ order: OrderInput, actor: OrderActor, in transaction: HandlerTransaction) async throws -> Placed {
        let connection = transaction.connection
        let references = try await connection.query(
            """
            SELECT (SELECT status FROM network_site WHERE id = \(order.siteId)),
                   EXISTS (SELECT 1 FROM programme WHERE id = \(order.programmeId) AND active)
            """, logger: logger
        ).collect()
        guard let (siteStatus, programmeActive) = try references.first?.decode((SiteStatus?, Bool).self) else { return .refused(.invalid, "") }
        guard siteStatus == .active else { return .refused(.unknownSite, "site \(order.siteId) is not an active site in the registry") }
        guard programmeActive else { return .refused(.unknownProgramme, "programme \(order.programmeId) is not on the menu") }
        let deadline = deadlines.deadline(for: .placed, from: Date())
        let inserted = try await connection.query(
            """
            INSERT INTO activity_order (id, site_id, programme_id, from_day, until_day, expected_audience, note, status, deadline_at)
            VALUES (\(order.orderId), \(order.siteId), \(order.programmeId), \(order.from)::date, \(order.until)::date,
                    \(order.expectedAudience), \(order.note), 'placed', \(deadline))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger
        ).collect()
        guard !inserted.isEmpty else {
            let same = try await connection.query(
                """
                SELECT 1 FROM activity_order WHERE id = \(order.orderId) AND site_id = \(order.siteId) AND programme_id = \(order.programmeId)
                  AND from_day = \(order.from)::date AND until_day = \(order.until)::date AND expected_audience = \(order.expectedAudience)
                """, logger: logger
            ).collect()
            return same.isEmpty ? .refused(.conflict, "order \(order.orderId) exists with different content") : .repeated
        }
        try await record(order.orderId, step: "place", actor: actor, reason: order.note, in: transaction)
        return .placed
    }

    /// Takes `action` on the order, or says why not.
    func take(_ action: OrderAction, on id: String, reason: String?, actor: OrderActor, in transaction: HandlerTransaction) async throws
        -> Result<OrderStatus, WorkflowRefusal>
    {
        let connection = transaction.connection
        let rows = try await connection.query(
            """
            SELECT o.status, o.site_id, u.path, o.programme_id, o.provider_id, o.event_id
            FROM activity_order o JOIN network_site s ON s.id = o.site_id JOIN network_unit u ON u.id = s.unit_id
            WHERE o.id = \(id) FOR UPDATE OF o
            """, logger: logger
        ).collect()
        guard
            let (status, siteId, unitPath, programmeId, currentProvider, eventId) = try rows.first?.decode(
                (OrderStatus, String, [String], String, String?, String?).self)
        else { return .failure(WorkflowRefusal("no such order")) }
        let next: OrderStatus
        switch action.next(after: status) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let status): next = status
        }
        var provider = currentProvider
        var event = eventId
        switch action {
        case .dispatch(let providerId), .claim(let providerId):
            guard try await serves(providerId, district: unitPath.count > 1 ? unitPath[1] : nil, on: connection) else {
                return .failure(WorkflowRefusal("provider \(providerId) is not an active provider serving the site's district"))
            }
            provider = providerId
        case .decline:
            provider = nil
        case .accept(let startsAt, let endsAt):
            event = try await schedule(
                order: id, programme: programmeId, provider: provider, site: siteId, startsAt: startsAt, endsAt: endsAt, in: transaction)
        default: break
        }
        try await connection.query(
            """
            UPDATE activity_order SET status = \(next), provider_id = \(provider), event_id = \(event),
                   deadline_at = \(deadlines.deadline(for: next, from: Date())), overdue_raised = false
            WHERE id = \(id)
            """, logger: logger)
        if case .cancel = action, let eventId {
            _ = try await EventStore(logger: logger, deadlines: deadlines).take(
                .cancel(reason: reason ?? "the order was cancelled"), on: eventId, actor: actor, in: transaction)
        }
        try await record(id, step: action.name, actor: actor, reason: reason, in: transaction)
        return .success(next)
    }

    /// Raises each overdue step once (the step's deadline passed); how many.
    func raiseOverdue(now: Date, in transaction: HandlerTransaction, limit: Int = 200) async throws -> Int {
        let due = try await transaction.connection.query(
            """
            UPDATE activity_order o SET overdue_raised = true
            FROM (SELECT id FROM activity_order WHERE NOT overdue_raised AND deadline_at < \(now)
                  ORDER BY deadline_at LIMIT \(limit) FOR UPDATE SKIP LOCKED) d, network_site s, network_unit u
            WHERE o.id = d.id AND s.id = o.site_id AND u.id = s.unit_id
            RETURNING o.id, o.status, o.site_id, u.path, o.provider_id, o.deadline_at
            """, logger: logger
        ).collect()
        for row in due {
            let (id, status, site, path, provider, deadline) = try row.decode((String, OrderStatus, String, [String], String?, Date).self)
            transaction.emit(
                try OutreachEvent.about(
                    id, kind: "order", ActivityEventType.orderOverdue,
                    OrderOverdue(orderId: id, status: status, siteId: site, sitePath: path, providerId: provider, deadline: deadline)))
        }
        return due.count
    }

    private func serves(_ provider: String, district: String?, on connection: PostgresConnection) async throws -> Bool {
        try await !connection.query(
            """
            SELECT 1 FROM provider WHERE id = \(provider) AND active AND (\(district)::text IS NULL OR districts @> ARRAY[\(district)::text])
            """, logger: logger
        ).collect().isEmpty
    }

    /// The accepted order's event: a draft at the site, from the programme, at the provider's time.
    private func schedule(
        order: String, programme: String, provider: String?, site: String, startsAt: Date, endsAt: Date, in transaction: HandlerTransaction
    ) async throws -> String {
        let rows = try await transaction.connection.query(
            """
            SELECT p.title, p.theme, p.format, s.kind, u.path FROM programme p, network_site s JOIN network_unit u ON u.id = s.unit_id
            WHERE p.id = \(programme) AND s.id = \(site)
            """, logger: logger
        ).collect()
        guard let (title, theme, format, kind, path) = try rows.first?.decode((String, String, ActivityFormat, SiteKind, [String]).self) else {
            throw EventReferenceError(description: "the order's programme or site is gone")
        }
        let id = EventStore.newId()
        _ = try await EventStore(logger: logger, deadlines: deadlines).create(
            ActivityEventRecord(
                eventId: id, status: .draft, title: title, siteId: site, siteKind: kind, sitePath: path, theme: theme, format: format,
                programmeId: programme, providerId: provider, orderId: order, startsAt: startsAt, endsAt: endsAt),
            in: transaction)
        return id
    }

    private func record(_ id: String, step: String, actor: OrderActor, reason: String?, in transaction: HandlerTransaction) async throws {
        let at = Date()
        let rows = try await transaction.connection.query(
            """
            WITH step AS (
                INSERT INTO order_step (order_id, seq, status, step, actor, actor_role, at, reason)
                SELECT \(id), coalesce(max(seq), 0) + 1, (SELECT status FROM activity_order WHERE id = \(id)), \(step), \(actor.subject),
                       \(actor.role), \(at), \(reason)
                FROM order_step WHERE order_id = \(id)
            )
            SELECT o.status, o.site_id, u.path, o.programme_id, o.provider_id, to_char(o.from_day, 'YYYY-MM-DD'),
                   to_char(o.until_day, 'YYYY-MM-DD'), o.expected_audience, o.event_id, o.deadline_at,
                   (SELECT count(*)::int FROM event_rating r WHERE r.event_id = o.event_id),
                   (SELECT coalesce(avg(score), 0)::float8 FROM event_rating r WHERE r.event_id = o.event_id)
            FROM activity_order o JOIN network_site s ON s.id = o.site_id JOIN network_unit u ON u.id = s.unit_id WHERE o.id = \(id)
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return }
        let (status, site, path, programme, provider, from, until, audience, event, deadline, ratings, average) = try row.decode(
            (OrderStatus, String, [String], String, String?, String, String, Int, String?, Date?, Int, Double).self)
        transaction.emit(
            try OutreachEvent.about(
                id, kind: "order", ActivityEventType.orderChanged,
                OrderRecord(
                    orderId: id, status: status, siteId: site, sitePath: path, programmeId: programme, providerId: provider, from: from,
                    until: until, expectedAudience: audience, eventId: event, step: step, actor: actor.subject, actorRole: actor.role, at: at,
                    reason: reason, deadline: deadline,
                    rating: status == .closed ? EventRating(ratings: ratings, average: (average * 100).rounded() / 100) : nil)))
    }
}
