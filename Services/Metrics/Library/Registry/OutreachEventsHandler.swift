import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows `kepu.outreach.events.v1`: staff assigned and released (for staffing coverage, 三级组织体系). Pairings,
/// applications, the menu, orders and events are read and set aside until their lines of the plan are measured (issue 27).
struct OutreachEventsHandler: EventHandler {
    enum Command: Sendable {
        case staff(StaffRecorded, active: Bool)
        case ignored
    }

    var name: String { "outreach" }
    var topics: [String] { [Topics.outreachEvents.name] }

    static let decoder = EventDecoder<Command>(
        [
            .on(OutreachEventType.staffAssigned, as: StaffRecorded.self) { .staff($0, active: true) },
            .on(OutreachEventType.staffReleased, as: StaffRecorded.self) { .staff($0, active: false) },
        ] + (OutreachEventType.pairings + OutreachEventType.applications + ActivityEventType.all).map { type in .ignore(type, as: { .ignored }) })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        if case .staff(let record, _) = command, !message.isKeyed(by: record.staffId) {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its staffId")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        // The latest event per member of staff in the batch is their state.
        var latest: [String: (StaffRecorded, Bool)] = [:]
        for received in commands { if case .staff(let record, let active) = received.command { latest[record.staffId] = (record, active) } }
        guard !latest.isEmpty else { return }
        let staff = Array(latest.values)
        try await transaction.connection.query(
            """
            INSERT INTO metric_staff (staff_id, place_id, role, active)
            SELECT * FROM unnest(\(staff.map(\.0.staffId))::text[], \(staff.map(\.0.placeId))::text[], \(staff.map(\.0.role.rawValue))::text[],
                                 \(staff.map(\.1))::bool[])
            ON CONFLICT (staff_id) DO UPDATE SET place_id = EXCLUDED.place_id, role = EXCLUDED.role, active = EXCLUDED.active
            """, logger: transaction.logger)
    }
}
