import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime

/// Follows `kepu.volunteer.events.v1` for the volunteer corps' line of the plan (四(三)): memberships, verified
/// hours, star levels, events' staffing and shortfalls, residents' needs. Each is kept as a `CountedState`, so a
/// report read again, or sent again upstream, changes nothing. Teams, offers and assignments are set aside.
struct VolunteerEventsHandler: EventHandler {
    /// Offsets, stored with the counters (as booking's events are): a report read twice changes no state anyway, and
    /// an inbox row per event was a fifth of the programme's fold. Releases before kept an inbox, which the
    /// runtime reads at the switch (`ConsumerOffsets.startingOffsets`).
    static var deliveryTracking: DeliveryTracking { .offsets }

    enum Command: Sendable {
        case volunteer(VolunteerRecord)
        case hours(ServiceHoursRecord)
        case starLevel(StarLevelReached)
        case staffed(EventStaffing)
        case shortfall(VolunteerShortfall)
        case needs(NeedsAggregate)
        case ignored
    }

    var name: String { "volunteer" }
    var topics: [String] { [Topics.volunteerEvents.name] }
    /// Signalled when a batch gave a group with nothing pending a change (see `BookingEventsHandler`).
    var snapshotsWanted = Wakeup()
    /// Units the database holds, shared by metrics' handlers (see `KnownUnits`).
    var knownUnits = KnownUnits()

    static let decoder = EventDecoder<Command>(
        [
            .on(VolunteerEventType.volunteerRecorded, as: VolunteerRecord.self) { .volunteer($0) },
            .on(VolunteerEventType.hoursRecorded, as: ServiceHoursRecord.self) { .hours($0) },
            .on(VolunteerEventType.starLevelReached, as: StarLevelReached.self) { .starLevel($0) },
            .on(VolunteerEventType.eventStaffed, as: EventStaffing.self) { .staffed($0) },
            .on(VolunteerEventType.shortfallRaised, as: VolunteerShortfall.self) { .shortfall($0) },
            .on(VolunteerEventType.needsAggregated, as: NeedsAggregate.self) { .needs($0) },
        ]
            + [
                VolunteerEventType.teamRecorded, VolunteerEventType.siteHeadsCounted, VolunteerEventType.assignmentChanged,
                VolunteerEventType.requestRejected,
            ]
            .map { type in .ignore(type, as: { .ignored }) })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        // A state's reports stay in order only within one key's partition: the key must be what volunteer keys it by.
        let key: String? =
            switch command {
            case .volunteer(let record): record.volunteerId
            case .hours(let record): record.volunteerId
            case .starLevel(let event): event.volunteerId
            case .staffed(let staffing): staffing.eventId
            case .shortfall(let shortfall): shortfall.eventId
            case .needs(let aggregate): NeedsState.id(aggregate)
            case .ignored: nil
            }
        if let key, !message.isKeyed(by: key) {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be \(key.count <= 64 ? key : "its aggregate's id")")
        }
        if case .hours(let record) = command, ShanghaiDay(record.day) == nil {
            throw PoisonMessage(code: "invalid_payload", reason: "day: not a yyyy-MM-dd day")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        let store = MetricsStore(connection: transaction.connection, logger: transaction.logger)
        let earliest = commands.compactMap(\.message.timestamp).min()
        var members: [(id: String, change: (inout VolunteerMembership) -> Void)] = []
        var staffing: [(id: String, change: (inout EventStaffingState) -> Void)] = []
        var needs: [(id: String, change: (inout NeedsState) -> Void)] = []
        for received in commands {
            let day = received.reportedDay
            switch received.command {
            case .volunteer(let record): members.append((record.volunteerId, { $0.record(record, on: day) }))
            case .staffed(let event): staffing.append((event.eventId, { $0.record(event, on: day) }))
            case .shortfall(let event): staffing.append((event.eventId, { $0.record(event, on: ShanghaiDay(event.startsAt)) }))
            case .needs(let aggregate): needs.append((NeedsState.id(aggregate), { $0.record(aggregate, on: day) }))
            case .hours, .starLevel, .ignored: continue
            }
        }
        var counters = CounterChanges()
        // Memberships first: hours and star levels in the same batch count where the volunteer now lives.
        let homes = try await store.fold(members, into: &counters).after
        try await store.fold(staffing, into: &counters)
        try await store.fold(needs, into: &counters)

        var volunteerIds = Set<String>()
        for received in commands {
            switch received.command {
            case .hours(let record): volunteerIds.insert(record.volunteerId)
            case .starLevel(let event): volunteerIds.insert(event.volunteerId)
            default: continue
            }
        }
        var home = homes.mapValues(\.unitPath)
        let unknown = volunteerIds.filter { home[$0] == nil }
        // Read, not locked: a membership changes only in this consumer's own batches, in order.
        for (id, state) in try await store.lockStates(VolunteerMembership.self, unknown.sorted(), locking: false) { home[id] = state.unitPath }
        var hours: [(id: String, change: (inout ServiceHours) -> Void)] = []
        var stars: [(id: String, change: (inout StarLevelState) -> Void)] = []
        // For the nominations: whose each hours state is, and the star levels reached.
        var hoursOf: [String: String] = [:]
        var levels: [String: Int] = [:]
        for received in commands {
            switch received.command {
            case .hours(let record):
                let path = home[record.volunteerId] ?? []
                hours.append((ServiceHours.id(record), { $0.record(record, home: path) }))
                hoursOf[ServiceHours.id(record)] = record.volunteerId
            case .starLevel(let event):
                let (path, day) = (home[event.volunteerId] ?? [], received.reportedDay)
                levels[event.volunteerId] = max(levels[event.volunteerId] ?? 0, event.level.rawValue)
                stars.append(
                    (
                        StarLevelState.id(event),
                        { state in
                            // Counted once, where and when first reported.
                            guard !state.reached else { return }
                            (state.unitPath, state.day, state.reached) = (path, day, true)
                        }
                    ))
            default: continue
            }
        }
        let served = try await store.fold(hours, into: &counters)
        try await store.fold(stars, into: &counters)
        try await store.addVolunteerTallies(VolunteerTally.deltas(before: served.before, after: served.after, volunteer: hoursOf), homes: home)
        try await store.raiseStarLevels(levels, homes: home)
        if try await store.write(counters, earliest: earliest, known: knownUnits, in: transaction) {
            transaction.afterCommit { [snapshotsWanted] in snapshotsWanted.signal() }
        }
    }
}
