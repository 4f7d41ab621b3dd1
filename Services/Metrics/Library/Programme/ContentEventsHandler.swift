import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime

/// Follows `kepu.content.events.v1` for the books-and-works line of the plan (二(五)): lots, stock, reading
/// activities' books, works' engagement roll-ups and officers' points, each kept as a `CountedState`.
struct ContentEventsHandler: EventHandler {
    /// Offsets, stored with the counters (as booking's events are): a report read twice changes no state anyway, and
    /// an inbox row per event was a fifth of the programme's fold. Releases before kept an inbox, which the
    /// runtime reads at the switch (`ConsumerOffsets.startingOffsets`).
    static var deliveryTracking: DeliveryTracking { .offsets }

    enum Command: Sendable {
        case lot(LotRecord)
        case stock(StockRecord)
        case reading(ReadingRecord)
        case engagement(EngagementRollUp)
        case officer(OfficerScore)
        case ignored
    }

    var name: String { "content" }
    var topics: [String] { [Topics.contentEvents.name] }
    /// Signalled when a batch gave a group with nothing pending a change (see `BookingEventsHandler`).
    var snapshotsWanted = Wakeup()
    /// Units the database holds, shared by metrics' handlers (see `KnownUnits`).
    var knownUnits = KnownUnits()

    static let decoder = EventDecoder<Command>([
        .on(ContentEventType.lotRecorded, as: LotRecord.self) { .lot($0) },
        .on(ContentEventType.stockChanged, as: StockRecord.self) { .stock($0) },
        .on(ContentEventType.readingRecorded, as: ReadingRecord.self) { .reading($0) },
        .on(ContentEventType.engagementRolledUp, as: EngagementRollUp.self) { .engagement($0) },
        .on(ContentEventType.officerScored, as: OfficerScore.self) { .officer($0) },
        .ignore(ContentEventType.requestRejected, as: { .ignored }),
    ])

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        // A state's reports stay in order only within one key's partition: the key must be what content-supply keys it by.
        let key: String? =
            switch command {
            case .lot(let lot): lot.lotId
            case .stock(let stock): stock.siteId
            case .reading(let reading): reading.eventId
            case .engagement(let rollUp): WorkEngagementState.id(rollUp)
            case .officer(let score): score.officerId
            case .ignored: nil
            }
        if let key, !message.isKeyed(by: key) {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its aggregate's id")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        let store = MetricsStore(connection: transaction.connection, logger: transaction.logger)
        let earliest = commands.compactMap(\.message.timestamp).min()
        var lots: [(id: String, change: (inout LotState) -> Void)] = []
        var stock: [(id: String, change: (inout StockState) -> Void)] = []
        var readings: [(id: String, change: (inout ReadingState) -> Void)] = []
        var engagement: [(id: String, change: (inout WorkEngagementState) -> Void)] = []
        var officers: [(id: String, change: (inout OfficerState) -> Void)] = []
        for received in commands {
            let day = received.reportedDay
            switch received.command {
            case .lot(let lot): lots.append((lot.lotId, { $0.record(lot, on: day) }))
            case .stock(let record): stock.append((StockState.id(record), { $0.record(record, on: day) }))
            case .reading(let reading): readings.append((reading.eventId, { $0.record(reading, on: day) }))
            case .engagement(let rollUp): engagement.append((WorkEngagementState.id(rollUp), { $0.record(rollUp) }))
            case .officer(let score): officers.append((score.officerId, { $0.record(score, on: day) }))
            case .ignored: continue
            }
        }
        var counters = CounterChanges()
        try await store.fold(lots, into: &counters)
        try await store.fold(stock, into: &counters)
        try await store.fold(readings, into: &counters)
        try await store.fold(engagement, into: &counters)
        try await store.fold(officers, into: &counters)
        if try await store.write(counters, earliest: earliest, known: knownUnits, in: transaction) {
            transaction.afterCommit { [snapshotsWanted] in snapshotsWanted.signal() }
        }
    }
}
