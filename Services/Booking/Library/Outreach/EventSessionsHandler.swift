import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows outreach-events' events (`kepu.outreach.events.v1`): an event published with seats opens a session at
/// its site (the session's id is the event's), its changes follow (capacity never below what is confirmed; more
/// seats promote the waitlist), and its cancellation closes the session and cancels its bookings with the event's
/// reason (residents' frontends learn it from `kepu.booking.cancelled.v1`). Everything else on the topic is not
/// booking's business.
struct EventSessionsHandler: EventHandler {
    enum Command: Sendable {
        case event(ActivityEventRecord)
        case other
    }

    let policy: NoShowPolicy

    var name: String { "outreach" }
    var topics: [String] { [Topics.outreachEvents.name] }

    static let decoder = EventDecoder<Command>(
        [.on(ActivityEventType.eventRecorded, as: ActivityEventRecord.self) { .event($0) }]
            + Topics.outreachEvents.eventTypes.filter { $0 != ActivityEventType.eventRecorded }.map { type in .ignore(type) { .other } })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        // Records of one event must stay in order: they are keyed by the event id.
        if case .event(let record) = command, !message.isKeyed(by: record.eventId) {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its eventId")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        // An event's records arrive in order (keyed by it): its latest in the batch is its state.
        var latest: [String: (record: ActivityEventRecord, eventId: String)] = [:]
        var order: [String] = []
        for received in commands {
            guard case .event(let record) = received.command else { continue }
            if latest[record.eventId] == nil { order.append(record.eventId) }
            latest[record.eventId] = (record, received.event.id)
        }
        var open: [SessionRow] = []
        for id in order {
            guard let (record, eventId) = latest[id] else { continue }
            switch record.status {
            case .cancelled: try await cancel(record, eventId: eventId, in: transaction)
            case .published, .held, .reported: if let seats = record.seats { open.append(SessionRow(record, seats: seats, now: Date())) }
            case .draft: break
            }
        }
        try await self.open(open, in: transaction)
    }

    /// A session's values as an event's record sets them (booking's defaults where the event leaves them out).
    struct SessionRow {
        let id, venue, venueKind, title: String
        let sitePath: [String]
        let startsAt, endsAt, opens, closes, deadline: Date
        let capacity, maxSeats, groupMin, groupMax: Int
        let publishable: Bool

        init(_ record: ActivityEventRecord, seats: EventSeats, now: Date) {
            (id, venue, venueKind, title, sitePath) = (
                record.eventId, record.siteId, record.siteKind.venueKind.rawValue, record.title, record.sitePath
            )
            (startsAt, endsAt) = (record.startsAt, record.endsAt)
            opens = seats.bookingOpensAt ?? now
            closes = seats.bookingClosesAt ?? record.startsAt
            deadline = record.startsAt.addingTimeInterval(-86_400)
            capacity = seats.capacity
            maxSeats = seats.maxSeatsPerRequest ?? 4
            groupMin = seats.groupMin ?? 5
            groupMax = seats.groupMax ?? max(groupMin, 60)
            publishable = record.status == .published
        }
    }

    /// Opens the sessions of newly published events and brings the others up to date, set-wise (a batch of
    /// publications is three statements, not three per event).
    private func open(_ rows: [SessionRow], in transaction: HandlerTransaction) async throws {
        guard !rows.isEmpty else { return }
        let connection = transaction.connection
        let logger = transaction.logger
        // The registry usually told booking of the site already; if its record is still on the way, the event's
        // copy of the site stands in until it arrives.
        var sites: [String: SessionRow] = [:]
        for row in rows where sites[row.venue] == nil { sites[row.venue] = row }
        let venues = Array(sites.values)
        try await connection.query(
            """
            INSERT INTO venue (id, kind, name, unit_path, status, in_registry)
            SELECT v.id, v.kind, v.id, string_to_array(v.path, '|'), 'active', false
            FROM unnest(\(venues.map(\.venue))::text[], \(venues.map(\.venueKind))::text[], \(venues.map { $0.sitePath.joined(separator: "|") })::text[])
                 AS v(id, kind, path)
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
        let publishable = rows.filter(\.publishable)
        let created = try await connection.query(
            """
            INSERT INTO session (id, venue_id, title, starts_at, ends_at, capacity, booking_opens_at, booking_closes_at, cancellation_deadline,
                                 max_seats_per_request, group_min, group_max)
            SELECT * FROM unnest(\(publishable.map(\.id))::text[], \(publishable.map(\.venue))::text[], \(publishable.map(\.title))::text[],
                                 \(publishable.map(\.startsAt))::timestamptz[], \(publishable.map(\.endsAt))::timestamptz[],
                                 \(publishable.map(\.capacity))::int[], \(publishable.map(\.opens))::timestamptz[],
                                 \(publishable.map(\.closes))::timestamptz[], \(publishable.map(\.deadline))::timestamptz[],
                                 \(publishable.map(\.maxSeats))::int[], \(publishable.map(\.groupMin))::int[], \(publishable.map(\.groupMax))::int[])
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger
        ).collect().map { try $0.decode(String.self) }
        if !created.isEmpty { try await SessionEvents.emitPublished(BookingEventType.sessionCreated, sessions: created, in: transaction) }
        let opened = Set(created)
        let others = rows.filter { !opened.contains($0.id) }
        guard !others.isEmpty else { return }
        // Capacity never goes below what is confirmed; a row that would not change is left alone (and unpublished).
        let changed = try await connection.query(
            """
            UPDATE session s SET title = r.title, starts_at = r.starts_at, ends_at = r.ends_at, capacity = greatest(r.capacity, s.confirmed_seats),
                   booking_opens_at = r.opens, booking_closes_at = r.closes, cancellation_deadline = r.deadline,
                   max_seats_per_request = r.max_seats, group_min = r.group_min, group_max = r.group_max
            FROM unnest(\(others.map(\.id))::text[], \(others.map(\.title))::text[], \(others.map(\.startsAt))::timestamptz[],
                        \(others.map(\.endsAt))::timestamptz[], \(others.map(\.capacity))::int[], \(others.map(\.opens))::timestamptz[],
                        \(others.map(\.closes))::timestamptz[], \(others.map(\.deadline))::timestamptz[], \(others.map(\.maxSeats))::int[],
                        \(others.map(\.groupMin))::int[], \(others.map(\.groupMax))::int[])
                 AS r(id, title, starts_at, ends_at, capacity, opens, closes, deadline, max_seats, group_min, group_max)
            WHERE s.id = r.id AND NOT s.closed
              AND (s.title, s.starts_at, s.ends_at, s.capacity, s.booking_closes_at, s.max_seats_per_request, s.group_min, s.group_max)
                  IS DISTINCT FROM (r.title, r.starts_at, r.ends_at, greatest(r.capacity, s.confirmed_seats), r.closes, r.max_seats, r.group_min,
                                    r.group_max)
            RETURNING s.id
            """, logger: logger
        ).collect().map { try $0.decode(String.self) }
        guard !changed.isEmpty else { return }
        try await SessionEvents.emitPublished(BookingEventType.sessionChanged, sessions: changed, in: transaction)
        let decisions = BookingDecisions(transaction: transaction, now: Date(), policy: policy)
        for id in changed { try await decisions.promote(sessionId: id) }
    }

    private func cancel(_ record: ActivityEventRecord, eventId: String, in transaction: HandlerTransaction) async throws {
        let connection = transaction.connection
        let logger = transaction.logger
        let sessions = try await connection.query(
            """
            UPDATE session s SET closed = true, confirmed_seats = 0, waitlisted_seats = 0 FROM venue v
            WHERE s.id = \(record.eventId) AND v.id = s.venue_id AND NOT s.closed RETURNING v.id, v.unit_path
            """, logger: logger
        ).collect()
        guard let (venue, unitPath) = try sessions.first?.decode((String, [String]).self) else { return }
        let cancelled = try await connection.query(
            """
            WITH held AS (
                SELECT id, status, seats FROM booking WHERE session_id = \(record.eventId) AND status IN ('confirmed', 'waitlisted') FOR UPDATE
            )
            UPDATE booking b SET status = 'cancelled', updated_at = now() FROM held WHERE b.id = held.id
            RETURNING b.id, held.status, held.seats
            """, logger: logger
        ).collect()
        let reason = FieldLimit.truncated("the event was cancelled: \(record.cancellationReason ?? "")", maxBytes: FieldLimit.text)
        for row in cancelled {
            let (bookingId, status, seats) = try row.decode((String, BookingStatus, Int).self)
            transaction.emit(
                try BookingEvent.about(
                    session: record.eventId, BookingEventType.cancelled,
                    BookingCancelled(
                        requestId: eventId, bookingId: bookingId, sessionId: record.eventId, seatsFreed: status == .confirmed ? seats : 0,
                        late: false, reason: reason)))
        }
        try SessionEvents.emitClosed(record.eventId, venue: venue, unitPath: unitPath, in: transaction)
    }
}
