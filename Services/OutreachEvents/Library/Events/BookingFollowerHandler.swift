import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows booking's events (`kepu.booking.events.v1`): check-ins at an event's session are its booked
/// attendance, and a dedicated session (专场) booking opens at the museum becomes a museum event here (without
/// seats: booking owns that session already).
struct BookingFollowerHandler: EventHandler {
    enum Command: Sendable {
        case checkedIn(sessionId: String, seats: Int)
        case dedicatedSession(SessionPublished)
        case other
    }

    let deadlines: OrderDeadlines

    var name: String { "booking" }
    var topics: [String] { [Topics.bookingEvents.name] }

    static let decoder: EventDecoder<Command> = {
        let read: Set<String> = [BookingEventType.checkedIn, BookingEventType.sessionCreated]
        return EventDecoder<Command>(
            [
                .on(BookingEventType.checkedIn, as: BookingCheckedIn.self) { .checkedIn(sessionId: $0.sessionId, seats: $0.seats) },
                .on(BookingEventType.sessionCreated, as: SessionPublished.self) { $0.dedicated ? .dedicatedSession($0) : .other },
            ] + BookingEventType.all.filter { !read.contains($0) }.map { type in .ignore(type) { .other } },
            aliases: BookingEventType.readableAs)
    }()

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        try Self.decoder.decode(event)
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        let events = EventStore(logger: transaction.logger, deadlines: deadlines)
        var checkIns: [String: Int] = [:]
        for received in commands {
            switch received.command {
            case .checkedIn(let session, let seats):
                checkIns[session, default: 0] += seats
            case .dedicatedSession(let session):
                let inserted = try await transaction.connection.query(
                    """
                    INSERT INTO activity_event (id, status, title, site_id, theme, format, starts_at, ends_at)
                    SELECT \(session.sessionId), 'published', \(session.title.isEmpty ? "科技馆专场" : session.title), id, 'general_science', 'visit',
                           \(session.startsAt), \(session.endsAt)
                    FROM network_site WHERE id = \(session.venueId)
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """, logger: transaction.logger
                ).collect()
                if !inserted.isEmpty { try await events.publish(session.sessionId, in: transaction) }
            case .other:
                break
            }
        }
        try await events.addCheckIns(checkIns, in: transaction)
    }
}
