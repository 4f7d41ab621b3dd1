import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// A step of an event's life: draft → published → held → reported, or cancelled with a reason.
enum EventAction: Sendable {
    case publish
    case change
    /// Held: walk-ins, the young people among all who came (nil: not counted) and how long it lasted.
    case hold(walkIns: Int, youth: Int?, durationMinutes: Int?)
    case report(summary: String)
    case cancel(reason: String)

    func next(after status: ActivityEventStatus) -> Result<ActivityEventStatus, WorkflowRefusal> {
        switch (self, status) {
        case (.publish, .draft): .success(.published)
        case (.change, .draft), (.change, .published): .success(status)
        case (.hold, .published): .success(.held)
        // A report again replaces the summary (after a review sent it back).
        case (.report, .held), (.report, .reported): .success(.reported)
        case (.cancel, .draft), (.cancel, .published): .success(.cancelled)
        default: .failure(WorkflowRefusal("the event is \(status.rawValue): this step does not follow"))
        }
    }
}

/// What a change sets (absent values stay).
struct EventChanges: Sendable {
    var title: String?
    var startsAt: Date?
    var endsAt: Date?
    var seats: EventSeats?
    var costFen: Int?
    var campaigns: [String]?
    var volunteerNeeds: VolunteerNeeds?
}

/// A reference an event write names that is not there (a site, theme, campaign, programme, provider, pairing).
struct EventReferenceError: Error, CustomStringConvertible {
    let description: String
}

/// Events (活动) in the caller's transaction: each change writes the row and publishes the whole record, which
/// booking follows (an event with seats is a session there).
struct EventStore {
    let logger: Logger
    /// For the orders events move along.
    let deadlines: OrderDeadlines

    /// A new event's id, when its writer names none: `ev_` and 16 hex digits (booking's own sessions are `ss_…`, so
    /// an event's session never takes an id booking made).
    static func newId() -> String {
        "ev_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    /// Inserts a draft and publishes it; false when the id is taken.
    func create(_ record: ActivityEventRecord, in transaction: HandlerTransaction) async throws -> Bool {
        try await checkReferences(
            site: record.siteId, theme: record.theme, campaigns: record.campaigns, programme: record.programmeId, provider: record.providerId,
            pairing: record.pairingId, on: transaction.connection)
        let seats = record.seats
        let needs = record.volunteerNeeds
        let inserted = try await transaction.connection.query(
            """
            INSERT INTO activity_event (id, status, title, site_id, theme, format, programme_id, provider_id, order_id, pairing_id, campaigns,
                starts_at, ends_at, capacity, booking_opens_at, booking_closes_at, max_seats_per_request, group_min, group_max, cost_fen,
                volunteers_needed, volunteer_skills, volunteers_from, volunteers_until, tour_id, kit_id)
            VALUES (\(record.eventId), \(record.status), \(record.title), \(record.siteId), \(record.theme), \(record.format),
                \(record.programmeId), \(record.providerId), \(record.orderId), \(record.pairingId), \(record.campaigns),
                \(record.startsAt), \(record.endsAt), \(seats?.capacity), \(seats?.bookingOpensAt), \(seats?.bookingClosesAt),
                \(seats?.maxSeatsPerRequest), \(seats?.groupMin), \(seats?.groupMax), \(record.costFen),
                \(needs?.count), \(needs?.skills), \(needs?.from), \(needs?.until), \(record.tourId), \(record.kitId))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger
        ).collect()
        guard !inserted.isEmpty else { return false }
        try await publish(record.eventId, in: transaction)
        return true
    }

    /// Takes `action` on the event (its row locked) with `changes`, or says why not. Held and reported events
    /// move their order along; a cancelled one cancels its order and frees its tour stop's kit.
    func take(_ action: EventAction, on id: String, changes: EventChanges = EventChanges(), actor: OrderActor, in transaction: HandlerTransaction)
        async throws -> Result<ActivityEventStatus, WorkflowRefusal>
    {
        let connection = transaction.connection
        let rows = try await connection.query(
            "SELECT status, order_id, starts_at, ends_at, checked_in FROM activity_event WHERE id = \(id) FOR UPDATE", logger: logger
        ).collect()
        guard let (status, orderId, startsAt, endsAt, checkedIn) = try rows.first?.decode((ActivityEventStatus, String?, Date, Date, Int).self)
        else {
            return .failure(WorkflowRefusal("no such event"))
        }
        // Both validated to 0...FieldLimit.count: the sum cannot overflow.
        if case .hold(let walkIns, let youth?, _) = action, youth > checkedIn + walkIns {
            return .failure(
                WorkflowRefusal("youth: \(youth) young people is more than the \(checkedIn + walkIns) who came (checked in and walk-ins)"))
        }
        let next: ActivityEventStatus
        switch action.next(after: status) {
        case .failure(let refusal): return .failure(refusal)
        case .success(let status): next = status
        }
        if let campaigns = changes.campaigns { try await checkCampaigns(campaigns, on: connection) }
        if changes.startsAt != nil || changes.endsAt != nil {
            guard (changes.endsAt ?? endsAt) > (changes.startsAt ?? startsAt) else {
                return .failure(WorkflowRefusal("the event would end before it starts"))
            }
        }
        let seats = changes.seats
        let needs = changes.volunteerNeeds
        var walkIns: Int?
        var youth: Int?
        var duration: Int?
        var report: String?
        var reason: String?
        switch action {
        case .hold(let people, let young, let minutes): (walkIns, youth, duration) = (people, young, minutes)
        case .report(let summary): report = summary
        case .cancel(let why): reason = why
        case .publish, .change: break
        }
        try await connection.query(
            """
            UPDATE activity_event SET status = \(next), title = coalesce(\(changes.title), title),
                starts_at = coalesce(\(changes.startsAt), starts_at), ends_at = coalesce(\(changes.endsAt), ends_at),
                capacity = CASE WHEN \(seats != nil) THEN \(seats?.capacity) ELSE capacity END,
                booking_opens_at = CASE WHEN \(seats != nil) THEN \(seats?.bookingOpensAt) ELSE booking_opens_at END,
                booking_closes_at = CASE WHEN \(seats != nil) THEN \(seats?.bookingClosesAt) ELSE booking_closes_at END,
                max_seats_per_request = CASE WHEN \(seats != nil) THEN \(seats?.maxSeatsPerRequest) ELSE max_seats_per_request END,
                group_min = CASE WHEN \(seats != nil) THEN \(seats?.groupMin) ELSE group_min END,
                group_max = CASE WHEN \(seats != nil) THEN \(seats?.groupMax) ELSE group_max END,
                cost_fen = coalesce(\(changes.costFen), cost_fen), campaigns = coalesce(\(changes.campaigns), campaigns),
                volunteers_needed = coalesce(\(needs?.count), volunteers_needed), volunteer_skills = coalesce(\(needs?.skills), volunteer_skills),
                volunteers_from = coalesce(\(needs?.from), volunteers_from), volunteers_until = coalesce(\(needs?.until), volunteers_until),
                walk_ins = coalesce(\(walkIns), walk_ins), youth = coalesce(\(youth), youth), duration_minutes = coalesce(\(duration), duration_minutes),
                report = coalesce(\(report), report), cancellation_reason = coalesce(\(reason), cancellation_reason), updated_at = now()
            WHERE id = \(id)
            """, logger: logger)
        if next == .cancelled {
            try await connection.query("UPDATE tour_stop SET cancelled = true WHERE event_id = \(id)", logger: logger)
        } else if changes.startsAt != nil || changes.endsAt != nil {
            try await TourStore.followTimes(of: id, on: connection, logger: logger)
        }
        try await publish(id, in: transaction)
        if let orderId {
            // The order may have moved on (or been cancelled first, which cancelled this event): then it stays.
            let orders = OrderStore(logger: logger, deadlines: deadlines)
            switch action {
            case .hold: _ = try await orders.take(.held, on: orderId, reason: nil, actor: actor, in: transaction)
            case .report: _ = try await orders.take(.report, on: orderId, reason: nil, actor: actor, in: transaction)
            case .cancel(let why): _ = try await orders.take(.cancel, on: orderId, reason: why, actor: actor, in: transaction)
            case .publish, .change: break
            }
        }
        return .success(next)
    }

    /// Adds checked-in seats that booking reported for events' sessions (a session's id is its event's).
    func addCheckIns(_ seatsByEvent: [String: Int], in transaction: HandlerTransaction) async throws {
        guard !seatsByEvent.isEmpty else { return }
        let ids = Array(seatsByEvent.keys)
        let updated = try await transaction.connection.query(
            """
            UPDATE activity_event e SET checked_in = e.checked_in + c.seats, updated_at = now()
            FROM unnest(\(ids)::text[], \(ids.map { seatsByEvent[$0] ?? 0 })::int[]) AS c(id, seats)
            WHERE e.id = c.id RETURNING e.id
            """, logger: logger
        ).collect()
        for row in updated { try await publish(try row.decode(String.self), in: transaction) }
    }

    /// Publishes the event's whole record.
    func publish(_ id: String, in transaction: HandlerTransaction) async throws {
        try await publish([id], in: transaction)
    }

    func publish(_ ids: [String], in transaction: HandlerTransaction) async throws {
        for record in try await records(ids, on: transaction.connection) {
            transaction.emit(try OutreachEvent.about(record.eventId, kind: "event", ActivityEventType.eventRecorded, record))
        }
    }

    /// Publishes the drafts among `ids` at once (a campaign's events, a district's week), in one statement; the
    /// ids it published. Others (unknown, or past their draft) are left as they are.
    func publishDrafts(_ ids: [String], in transaction: HandlerTransaction) async throws -> [String] {
        let published = try await transaction.connection.query(
            """
            UPDATE activity_event SET status = 'published', updated_at = now()
            WHERE id = ANY(\(ids)::text[]) AND status = 'draft' RETURNING id
            """, logger: logger
        ).collect().map { try $0.decode(String.self) }
        try await publish(published, in: transaction)
        return published
    }

    func record(_ id: String, on connection: PostgresConnection) async throws -> ActivityEventRecord? {
        try await records([id], on: connection).first
    }

    func records(_ ids: [String], on connection: PostgresConnection) async throws -> [ActivityEventRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query(
            """
            SELECT e.id, e.status, e.title, e.site_id, s.kind, u.path, e.theme, e.format, e.programme_id, e.provider_id, e.order_id,
                   e.pairing_id, e.campaigns, e.starts_at, e.ends_at, e.capacity, e.booking_opens_at, e.booking_closes_at,
                   e.max_seats_per_request, e.group_min, e.group_max, e.cost_fen, e.checked_in, e.walk_ins, e.duration_minutes, e.report,
                   e.cancellation_reason, e.volunteers_needed, e.volunteer_skills, e.volunteers_from, e.volunteers_until, e.tour_id, e.kit_id,
                   e.youth
            FROM activity_event e JOIN network_site s ON s.id = e.site_id JOIN network_unit u ON u.id = s.unit_id
            WHERE e.id = ANY(\(ids)::text[]) ORDER BY e.id
            """, logger: logger
        ).collect()
        return try rows.map(Self.record)
    }

    private static func record(_ row: PostgresRow) throws -> ActivityEventRecord {
        let c = try row.decode(
            (
                String, ActivityEventStatus, String, String, SiteKind, [String], String, ActivityFormat, String?, String?, String?, String?,
                [String], Date, Date, Int?, Date?, Date?, Int?, Int?, Int?, Int?, Int, Int?, Int?, String?, String?, Int?, [String]?, Date?,
                Date?, String?, String?, Int?
            ).self)
        let seats = c.15.map {
            EventSeats(capacity: $0, bookingOpensAt: c.16, bookingClosesAt: c.17, maxSeatsPerRequest: c.18, groupMin: c.19, groupMax: c.20)
        }
        // Attendance shows once someone checked in, or the event was held (walk-ins reported).
        let held = c.1 == .held || c.1 == .reported
        var needs: VolunteerNeeds?
        if let count = c.27, let from = c.29, let until = c.30 { needs = VolunteerNeeds(count: count, skills: c.28 ?? [], from: from, until: until) }
        return ActivityEventRecord(
            eventId: c.0, status: c.1, title: c.2, siteId: c.3, siteKind: c.4, sitePath: c.5, theme: c.6, format: c.7, programmeId: c.8,
            providerId: c.9, orderId: c.10, pairingId: c.11, campaigns: c.12, startsAt: c.13, endsAt: c.14, seats: seats, costFen: c.21,
            attendance: held || c.22 > 0 ? EventAttendance(checkedIn: c.22, walkIns: c.23 ?? 0, durationMinutes: c.24, youth: c.33) : nil,
            report: c.25,
            cancellationReason: c.26, volunteerNeeds: needs, tourId: c.31, kitId: c.32)
    }

    /// Refuses a write naming what is not there, with what.
    func checkReferences(
        site: String, theme: String, campaigns: [String], programme: String?, provider: String?, pairing: String?, on connection: PostgresConnection
    ) async throws {
        let rows = try await connection.query(
            """
            SELECT (SELECT status FROM network_site WHERE id = \(site)), EXISTS (SELECT 1 FROM theme WHERE code = \(theme)),
                   \(programme)::text IS NULL OR EXISTS (SELECT 1 FROM programme WHERE id = \(programme)),
                   \(provider)::text IS NULL OR EXISTS (SELECT 1 FROM provider WHERE id = \(provider)),
                   \(pairing)::text IS NULL OR EXISTS (SELECT 1 FROM pairing WHERE id = \(pairing))
            """, logger: logger
        ).collect()
        guard
            let (siteStatus, themeKnown, programmeKnown, providerKnown, pairingKnown) = try rows.first?.decode(
                (SiteStatus?, Bool, Bool, Bool, Bool).self)
        else { return }
        guard let siteStatus else { throw EventReferenceError(description: "site \(site) is not in the registry") }
        guard siteStatus == .active else { throw EventReferenceError(description: "site \(site) is retired") }
        guard themeKnown else { throw EventReferenceError(description: "theme \(theme) is not on the list") }
        guard programmeKnown else { throw EventReferenceError(description: "programme \(programme ?? "") does not exist") }
        guard providerKnown else { throw EventReferenceError(description: "provider \(provider ?? "") does not exist") }
        guard pairingKnown else { throw EventReferenceError(description: "pairing \(pairing ?? "") does not exist") }
        try await checkCampaigns(campaigns, on: connection)
    }

    private func checkCampaigns(_ campaigns: [String], on connection: PostgresConnection) async throws {
        guard !campaigns.isEmpty else { return }
        let missing = try await connection.query(
            "SELECT c FROM unnest(\(campaigns)::text[]) AS c WHERE NOT EXISTS (SELECT 1 FROM campaign WHERE id = c) LIMIT 1", logger: logger
        ).collect().first
        if let missing { throw EventReferenceError(description: "campaign \(try missing.decode(String.self)) is not on the calendar") }
    }
}

/// Who took a step: a token's subject and role, or the service itself (`system`), or a frontend's request.
struct OrderActor: Sendable {
    let subject: String
    let role: String

    init(_ identity: AdminIdentity) { (subject, role) = (identity.subject, identity.role.rawValue) }
    init(subject: String, role: String) { (self.subject, self.role) = (subject, role) }

    static let system = OrderActor(subject: "system", role: "system")
}
