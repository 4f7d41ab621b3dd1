import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows `kepu.outreach.events.v1`: staff assigned and released (for staffing coverage, 三级组织体系); the
/// activities (events as recorded, and their ratings); pairings, applications to become a practice point, and sites'
/// orders, each kept as a `CountedState`. The menu and campaigns are set aside.
struct OutreachEventsHandler: EventHandler {
    /// Offsets, stored with the counters (as booking's events are): a report read twice changes no state anyway, and
    /// an inbox row per event was a fifth of the programme's fold. Releases before kept an inbox, which the
    /// runtime reads at the switch (`ConsumerOffsets.startingOffsets`).
    static var deliveryTracking: DeliveryTracking { .offsets }

    enum Command: Sendable {
        case staff(StaffRecorded, active: Bool)
        case activity(ActivityEventRecord)
        case rated(EventRated)
        case pairing(PairingRecorded)
        case application(ApplicationStep)
        case order(OrderRecord)
        case overdue(OrderOverdue)
        case ignored
    }

    var name: String { "outreach" }
    var topics: [String] { [Topics.outreachEvents.name] }
    /// Signalled when a batch gave a group with nothing pending a change (see `BookingEventsHandler`).
    var snapshotsWanted = Wakeup()
    /// Units the database holds, shared by metrics' handlers (see `KnownUnits`).
    var knownUnits = KnownUnits()

    static let decoder = EventDecoder<Command>(
        [
            .on(OutreachEventType.staffAssigned, as: StaffRecorded.self) { .staff($0, active: true) },
            .on(OutreachEventType.staffReleased, as: StaffRecorded.self) { .staff($0, active: false) },
            .on(ActivityEventType.eventRecorded, as: ActivityEventRecord.self) { .activity($0) },
            .on(ActivityEventType.eventRated, as: EventRated.self) { .rated($0) },
            .on(ActivityEventType.orderChanged, as: OrderRecord.self) { .order($0) },
            .on(ActivityEventType.orderOverdue, as: OrderOverdue.self) { .overdue($0) },
        ]
            + OutreachEventType.pairings.map { type in .on(type, as: PairingRecorded.self) { .pairing($0) } }
            + OutreachEventType.applications.map { type in .on(type, as: ApplicationStep.self) { .application($0) } }
            + [ActivityEventType.programmeRecorded, ActivityEventType.campaignRecorded, ActivityEventType.requestRejected]
            .map { type in .ignore(type, as: { .ignored }) })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        // Per-aggregate order holds only within one key's partition: the key must be the aggregate's id.
        let key: String? =
            switch command {
            case .staff(let record, _): record.staffId
            case .activity(let record): record.eventId
            case .rated(let rated): rated.eventId
            case .pairing(let pairing): pairing.pairingId
            case .application(let step): step.applicationId
            case .order(let order): order.orderId
            case .overdue(let overdue): overdue.orderId
            case .ignored: nil
            }
        if let key, !message.isKeyed(by: key) {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its aggregate's id")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        let staffed = try await applyStaff(commands, in: transaction)
        let store = MetricsStore(connection: transaction.connection, logger: transaction.logger)
        var counters = CounterChanges()
        if let staffed { try await store.foldSiteStaffing(staffed.places, on: staffed.day, into: &counters) }
        try await applyActivities(commands, store: store, into: &counters)
        try await applyOrganisation(commands, store: store, into: &counters)
        if try await store.write(counters, earliest: commands.compactMap(\.message.timestamp).min(), known: knownUnits, in: transaction) {
            transaction.afterCommit { [snapshotsWanted] in snapshotsWanted.signal() }
        }
    }

    /// Pairings, applications and orders: running totals, counted on the day outreach reported them.
    private func applyOrganisation(_ commands: [ReceivedCommand<Command>], store: MetricsStore, into counters: inout CounterChanges) async throws {
        var pairings: [(id: String, change: (inout PairingState) -> Void)] = []
        var applications: [(id: String, change: (inout ApplicationState) -> Void)] = []
        var orders: [(id: String, change: (inout OrderState) -> Void)] = []
        for received in commands {
            let day = received.reportedDay
            switch received.command {
            case .pairing(let pairing): pairings.append((pairing.pairingId, { $0.record(pairing, on: day) }))
            case .application(let step): applications.append((step.applicationId, { $0.record(step, on: day) }))
            case .order(let order): orders.append((order.orderId, { $0.record(order, on: day) }))
            case .overdue(let overdue): orders.append((overdue.orderId, { $0.record(overdue, on: day) }))
            case .staff, .activity, .rated, .ignored: continue
            }
        }
        try await store.fold(pairings, into: &counters)
        try await store.fold(applications, into: &counters)
        try await store.fold(orders, into: &counters)
    }

    /// Each event's latest state in the batch against what was counted: the difference goes to the counters.
    private func applyActivities(_ commands: [ReceivedCommand<Command>], store: MetricsStore, into counters: inout CounterChanges) async throws {
        var changes: [(id: String, change: (inout ActivityState) -> Void)] = []
        for received in commands {
            switch received.command {
            case .activity(let record): changes.append((record.eventId, { $0.record(record) }))
            case .rated(let rated): changes.append((rated.eventId, { $0.rate(rated.rating) }))
            case .staff, .pairing, .application, .order, .overdue, .ignored: continue
            }
        }
        let (before, after) = try await store.fold(changes, into: &counters)
        let tallies = ActivityTallies.deltas(before: before, after: after)
        try await store.addActivityTallies(themes: tallies.themes, pairings: tallies.pairings)
    }

    /// Records the batch's staff; returns the places whose staff changed (where they were and where they are) and
    /// the latest day reported, or nil without staff events.
    private func applyStaff(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws -> (
        places: Set<String>, day: ShanghaiDay
    )? {
        // The latest event per member of staff in the batch is their state.
        var latest: [String: (StaffRecorded, Bool)] = [:]
        var day: ShanghaiDay?
        for received in commands {
            guard case .staff(let record, let active) = received.command else { continue }
            latest[record.staffId] = (record, active)
            day = max(day ?? received.reportedDay, received.reportedDay)
        }
        guard !latest.isEmpty, let day else { return nil }
        let staff = Array(latest.values)
        var places = Set(staff.map(\.0.placeId))
        let before = try await transaction.connection.query(
            "SELECT place_id FROM metric_staff WHERE staff_id = ANY(\(staff.map(\.0.staffId))::text[])", logger: transaction.logger)
        for try await place in before.decode(String.self) { places.insert(place) }
        try await transaction.connection.query(
            """
            INSERT INTO metric_staff (staff_id, place_id, role, active)
            SELECT * FROM unnest(\(staff.map(\.0.staffId))::text[], \(staff.map(\.0.placeId))::text[], \(staff.map(\.0.role.rawValue))::text[],
                                 \(staff.map(\.1))::bool[])
            ON CONFLICT (staff_id) DO UPDATE SET place_id = EXCLUDED.place_id, role = EXCLUDED.role, active = EXCLUDED.active
            """, logger: transaction.logger)
        return (places, day)
    }
}
