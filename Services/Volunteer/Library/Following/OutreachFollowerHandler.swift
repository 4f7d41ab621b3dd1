import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows outreach-events (`kepu.outreach.events.v1`): events with their volunteer needs (answered with offers,
/// staffing and shortfalls), held events (service hours, needs met), and the menu's programmes (which needs no
/// programme covers).
struct OutreachFollowerHandler: EventHandler {
    enum Command: Sendable {
        case event(ActivityEventRecord)
        case programme(ProgrammeRecord)
        case other
    }

    let policy: MatchingPolicy

    var name: String { "outreach" }
    var topics: [String] { [Topics.outreachEvents.name] }

    static let decoder: EventDecoder<Command> = {
        let read: Set<String> = [ActivityEventType.eventRecorded, ActivityEventType.programmeRecorded]
        return EventDecoder<Command>(
            [
                .on(ActivityEventType.eventRecorded, as: ActivityEventRecord.self) { .event($0) },
                .on(ActivityEventType.programmeRecorded, as: ProgrammeRecord.self) { .programme($0) },
            ] + (OutreachEventType.all + ActivityEventType.all).filter { !read.contains($0) }.map { type in .ignore(type) { .other } })
    }()

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        // An event's records are applied in order only when keyed by it.
        if case .event(let record) = command, !message.isKeyed(by: record.eventId) {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its eventId")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        // An event's records arrive in order (keyed by its id): the latest in the batch is its state, but a held
        // event's record is applied before a later one (hours are recorded from it).
        var events: [String: [ActivityEventRecord]] = [:]
        var programmes: [String: ProgrammeRecord] = [:]
        for received in commands {
            switch received.command {
            case .event(let record): events[record.eventId, default: []].append(record)
            case .programme(let record): programmes[record.programmeId] = record
            case .other: break
            }
        }
        let logger = transaction.logger
        if !programmes.isEmpty {
            let records = programmes.values.sorted { $0.programmeId < $1.programmeId }
            try await transaction.connection.query(
                """
                INSERT INTO programme (id, theme, audiences, districts, active)
                SELECT r.id, r.theme, string_to_array(r.audiences, '|'), string_to_array(r.districts, '|'), r.active
                FROM unnest(\(records.map(\.programmeId))::text[], \(records.map(\.theme))::text[],
                            \(records.map { $0.audiences.map(\.rawValue).joined(separator: "|") })::text[],
                            \(records.map { $0.districts.joined(separator: "|") })::text[], \(records.map(\.active))::bool[])
                     AS r(id, theme, audiences, districts, active)
                ON CONFLICT (id) DO UPDATE SET theme = EXCLUDED.theme, audiences = EXCLUDED.audiences, districts = EXCLUDED.districts,
                    active = EXCLUDED.active
                """, logger: logger)
        }
        let following = EventFollowing(policy: policy, logger: logger)
        let now = Date()
        // In id order, so two batches filling overlapping events take their volunteers' holds in one order.
        for id in events.keys.sorted() {
            guard let records = events[id], let last = records.last else { continue }
            let held = records.last { $0.status == .held || $0.status == .reported }
            if let held, held != last { try await following.follow(held, now: now, in: transaction) }
            try await following.follow(last, now: now, in: transaction)
        }
    }
}
