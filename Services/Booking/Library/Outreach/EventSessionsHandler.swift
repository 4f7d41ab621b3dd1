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
        if case .event(let record) = command, message.key.map({ $0.elementsEqual(record.eventId.utf8) }) != true {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its eventId")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        for received in commands {
            guard case .event(let record) = received.command else { continue }
            switch record.status {
            case .cancelled: try await cancel(record, eventId: received.event.id, in: transaction)
            case .published, .held, .reported: if let seats = record.seats { try await open(record, seats: seats, in: transaction) }
            case .draft: break
            }
        }
    }

    private func open(_ record: ActivityEventRecord, seats: EventSeats, in transaction: HandlerTransaction) async throws {
        let connection = transaction.connection
        let logger = transaction.logger
        // The registry usually told booking of the site already; if its record is still on the way, the event's
        // copy of the site stands in until it arrives.
        try await connection.query(
            """
            INSERT INTO venue (id, kind, name, unit_path, status, in_registry)
            VALUES (\(record.siteId), \(record.siteKind.venueKind.rawValue), \(record.siteId), \(record.sitePath), 'active', false)
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
        let opens = seats.bookingOpensAt ?? Date()
        let closes = seats.bookingClosesAt ?? record.startsAt
        let deadline = record.startsAt.addingTimeInterval(-86_400)
        let groupMin = seats.groupMin ?? 5
        let groupMax = seats.groupMax ?? max(groupMin, 60)
        let created = try await connection.query(
            """
            INSERT INTO session (id, venue_id, title, starts_at, ends_at, capacity, booking_opens_at, booking_closes_at, cancellation_deadline,
                                 max_seats_per_request, group_min, group_max)
            SELECT \(record.eventId), \(record.siteId), \(record.title), \(record.startsAt), \(record.endsAt), \(seats.capacity), \(opens),
                   \(closes), \(deadline), \(seats.maxSeatsPerRequest ?? 4), \(groupMin), \(groupMax)
            WHERE \(record.status == .published)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger
        ).collect()
        if !created.isEmpty {
            return try await SessionEvents.emitPublished(BookingEventType.sessionCreated, sessions: [record.eventId], in: transaction)
        }
        let changed = try await connection.query(
            """
            UPDATE session SET title = \(record.title), starts_at = \(record.startsAt), ends_at = \(record.endsAt),
                   capacity = greatest(\(seats.capacity), confirmed_seats), booking_opens_at = \(opens), booking_closes_at = \(closes),
                   cancellation_deadline = \(deadline), max_seats_per_request = \(seats.maxSeatsPerRequest ?? 4), group_min = \(groupMin),
                   group_max = \(groupMax)
            WHERE id = \(record.eventId) AND NOT closed
              AND (title, starts_at, ends_at, capacity, booking_opens_at, booking_closes_at, max_seats_per_request, group_min, group_max)
                  IS DISTINCT FROM (\(record.title), \(record.startsAt), \(record.endsAt), greatest(\(seats.capacity), confirmed_seats),
                                    \(opens), \(closes), \(seats.maxSeatsPerRequest ?? 4), \(groupMin), \(groupMax))
            RETURNING id
            """, logger: logger
        ).collect()
        guard !changed.isEmpty else { return }
        try await SessionEvents.emitPublished(BookingEventType.sessionChanged, sessions: [record.eventId], in: transaction)
        try await BookingDecisions(transaction: transaction, now: Date(), policy: policy).promote(sessionId: record.eventId)
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
