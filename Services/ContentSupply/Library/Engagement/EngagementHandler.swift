import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime

/// Folds `kepu.content.engagement.v1` per work, site and day. Offsets are stored with the counts in one transaction
/// (`DeliveryTracking.offsets`): a redelivered record is recognised by its offset and counts once, and a resent
/// event (same id, later offset) by the runtime's window of recent ids.
struct EngagementHandler: EventHandler {
    static var deliveryTracking: DeliveryTracking { .offsets }

    struct Command: Sendable {
        var event: WorkEngaged
        /// The visitor as the sketch hashes them.
        var visitor: UInt64
        /// Minutes since 1970 of when it happened, for the rate.
        var minute: Int64
    }

    var name: String { "engagement" }
    var topics: [String] { [Topics.contentEngagement.name] }
    let rate: VisitorRate
    /// `KEPU_CONTENT_ENGAGEMENT_BATCH_SIZE`.
    let batchSize: Int?

    static let decoder = EventDecoder<WorkEngaged>([.on(ContentEngagementType.workEngaged, as: WorkEngaged.self) { $0 }])

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        // The plain shape every frontend sends is read directly; anything else by the general decoder, which also
        // says why a bad record is bad.
        let engaged =
            if event.type == ContentEngagementType.workEngaged, let plain = WorkEngaged.readPlain(event.data) { plain } else {
                try Self.decoder.decode(event)
            }
        // The rate is judged per partition: only a record keyed by its visitor is sure to be in theirs.
        guard message.isKeyed(by: engaged.visitorHash) else {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its visitorHash")
        }
        guard let visitor = VisitorSketch.hash(visitorHash: engaged.visitorHash) else {
            throw PoisonMessage(code: "invalid_payload", reason: "visitorHash is not hex")
        }
        let minute = Int64((engaged.occurredAt.timeIntervalSince1970 / 60).rounded(.down))
        return Command(event: engaged, visitor: visitor, minute: minute)
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        // A retried batch (the same records again) is not counted against the rate twice.
        let flags = rate.flag(
            commands.map {
                VisitorRate.Event(partition: $0.message.partition, offset: $0.message.offset, visitor: $0.command.visitor, minute: $0.command.minute)
            })
        var fold = EngagementFold()
        for (received, flagged) in zip(commands, flags) {
            fold.fold(received.command.event, visitor: received.command.visitor, flagged: flagged)
        }
        try await EngagementStore(connection: transaction.connection, logger: transaction.logger).add(fold)
    }
}
