import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows outreach-events (`kepu.outreach.events.v1`) for reading activities: events of format `reading`, whose
/// reports link the books they used.
struct OutreachFollowerHandler: EventHandler {
    enum Command: Sendable {
        case event(ActivityEventRecord)
        case other
    }

    var name: String { "outreach" }
    var topics: [String] { [Topics.outreachEvents.name] }

    static let decoder = EventDecoder<Command>(
        [.on(ActivityEventType.eventRecorded, as: ActivityEventRecord.self) { .event($0) }]
            + (OutreachEventType.all + ActivityEventType.all).filter { $0 != ActivityEventType.eventRecorded }.map { type in .ignore(type) { .other }
            })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        try Self.decoder.decode(event)
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        var latest: [String: ActivityEventRecord] = [:]
        for received in commands {
            if case .event(let record) = received.command, record.format == .reading { latest[record.eventId] = record }
        }
        guard !latest.isEmpty else { return }
        let records = latest.values.sorted { $0.eventId < $1.eventId }
        try await transaction.connection.query(
            """
            INSERT INTO reading_activity (event_id, site_id, title, starts_at, status)
            SELECT e, s, t, a, st FROM unnest(\(records.map(\.eventId))::text[], \(records.map(\.siteId))::text[], \(records.map(\.title))::text[],
                                              \(records.map(\.startsAt))::timestamptz[], \(records.map(\.status.rawValue))::text[]) AS x(e, s, t, a, st)
            ON CONFLICT (event_id) DO UPDATE SET site_id = EXCLUDED.site_id, title = EXCLUDED.title, starts_at = EXCLUDED.starts_at,
                status = EXCLUDED.status
            """, logger: transaction.logger)
    }
}
