import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows `kepu.outreach.events.v1`: staff assigned and released (for staffing coverage, 三级组织体系), and the
/// activities (events as recorded, and their ratings: `ActivityFold`). Pairings, applications, the menu and orders
/// are read and set aside until their lines of the plan are measured (issue 27).
struct OutreachEventsHandler: EventHandler {
    enum Command: Sendable {
        case staff(StaffRecorded, active: Bool)
        case activity(ActivityEventRecord)
        case rated(EventRated)
        case ignored
    }

    var name: String { "outreach" }
    var topics: [String] { [Topics.outreachEvents.name] }
    /// Signalled when a batch gave a group with nothing pending a change (see `BookingEventsHandler`).
    var snapshotsWanted = Wakeup()

    static let decoder = EventDecoder<Command>(
        [
            .on(OutreachEventType.staffAssigned, as: StaffRecorded.self) { .staff($0, active: true) },
            .on(OutreachEventType.staffReleased, as: StaffRecorded.self) { .staff($0, active: false) },
            .on(ActivityEventType.eventRecorded, as: ActivityEventRecord.self) { .activity($0) },
            .on(ActivityEventType.eventRated, as: EventRated.self) { .rated($0) },
        ]
            + (OutreachEventType.pairings + OutreachEventType.applications
            + ActivityEventType.all.filter { $0 != ActivityEventType.eventRecorded && $0 != ActivityEventType.eventRated })
            .map { type in .ignore(type, as: { .ignored }) })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        // Per-event (and per-member) order holds only within one key's partition.
        switch command {
        case .staff(let record, _) where !message.isKeyed(by: record.staffId):
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its staffId")
        case .activity(let record) where !message.isKeyed(by: record.eventId):
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its eventId")
        case .rated(let rated) where !message.isKeyed(by: rated.eventId):
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its eventId")
        default:
            return command
        }
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        try await applyStaff(commands, in: transaction)
        try await applyActivities(commands, in: transaction)
    }

    /// Each event's latest state in the batch against what was counted: the difference goes to the counters.
    private func applyActivities(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        var changes: [(id: String, change: (inout ActivityState) -> Void)] = []
        for received in commands {
            switch received.command {
            case .activity(let record): changes.append((record.eventId, { $0.record(record) }))
            case .rated(let rated): changes.append((rated.eventId, { $0.rate(rated.rating) }))
            case .staff, .ignored: continue
            }
        }
        let store = MetricsStore(connection: transaction.connection, logger: transaction.logger)
        if try await store.fold(changes, earliest: commands.compactMap(\.message.timestamp).min()).firstPending {
            transaction.afterCommit { [snapshotsWanted] in snapshotsWanted.signal() }
        }
    }

    private func applyStaff(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
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
