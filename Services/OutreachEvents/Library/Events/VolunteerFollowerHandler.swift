import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows volunteer (`kepu.volunteer.events.v1`): how each event's volunteer needs stand (accepted, offered,
/// short) and the shortfalls raised close to its start, shown on the event (`GET /events/{id}`).
struct VolunteerFollowerHandler: EventHandler {
    enum Command: Sendable {
        case staffed(EventStaffing)
        case shortfall(VolunteerShortfall)
        case other
    }

    var name: String { "volunteer" }
    var topics: [String] { [Topics.volunteerEvents.name] }

    static let decoder: EventDecoder<Command> = {
        let read: Set<String> = [VolunteerEventType.eventStaffed, VolunteerEventType.shortfallRaised]
        return EventDecoder<Command>(
            [
                .on(VolunteerEventType.eventStaffed, as: EventStaffing.self) { .staffed($0) },
                .on(VolunteerEventType.shortfallRaised, as: VolunteerShortfall.self) { .shortfall($0) },
            ] + VolunteerEventType.all.filter { !read.contains($0) }.map { type in .ignore(type) { .other } })
    }()

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        try Self.decoder.decode(event)
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        // An event's staffing arrives in order (keyed by the event): the latest in the batch stands.
        var staffing: [String: EventStaffing] = [:]
        var shortfalls: [String: Date] = [:]
        for received in commands {
            switch received.command {
            case .staffed(let record): staffing[record.eventId] = record
            case .shortfall(let record): shortfalls[record.eventId] = received.event.time ?? Date()
            case .other: break
            }
        }
        let logger = transaction.logger
        if !staffing.isEmpty {
            let records = staffing.values.sorted { $0.eventId < $1.eventId }
            // Events outreach does not know are left out (the foreign key would refuse them).
            try await transaction.connection.query(
                """
                INSERT INTO event_staffing AS s (event_id, needed, accepted, offered, short)
                SELECT r.id, r.needed, r.accepted, r.offered, r.short
                FROM unnest(\(records.map(\.eventId))::text[], \(records.map(\.needed))::int[], \(records.map(\.accepted))::int[],
                            \(records.map(\.offered))::int[], \(records.map(\.short))::int[]) AS r(id, needed, accepted, offered, short)
                WHERE EXISTS (SELECT 1 FROM activity_event e WHERE e.id = r.id)
                ON CONFLICT (event_id) DO UPDATE SET needed = EXCLUDED.needed, accepted = EXCLUDED.accepted, offered = EXCLUDED.offered,
                    short = EXCLUDED.short, updated_at = now()
                """, logger: logger)
        }
        for (event, at) in shortfalls.sorted(by: { $0.key < $1.key }) {
            try await transaction.connection.query(
                "UPDATE event_staffing SET shortfall_raised_at = coalesce(shortfall_raised_at, \(at)) WHERE event_id = \(event)", logger: logger)
        }
    }
}
