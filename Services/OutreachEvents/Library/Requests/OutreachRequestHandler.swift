import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// What frontends send on `kepu.outreach.requests.v1`: sites' orders (点单) and residents' ratings. An order
/// becomes a placed order (answered by its `order-changed` event), a rating replaces the resident's earlier one
/// for the event (answered by `event-rated`, once per event and batch); what cannot be acted on is answered by `request-rejected` (a record
/// without a usable request id is dead-lettered).
struct OutreachRequestHandler: EventHandler {
    enum Command: Sendable {
        case order(OrderRequested)
        case rating(RatingSubmitted)
        /// The request id could be read but the rest is unusable: the sender is told why.
        case invalid(requestId: String, key: String, detail: String)
    }

    let deadlines: OrderDeadlines

    var name: String { "requests" }
    var topics: [String] { [Topics.outreachRequests.name] }

    /// A payload that does not decode but names a usable request id is answered `invalid` with the reason (as
    /// booking answers its requests); without one it is dead-lettered.
    static let decoder = EventDecoder<Command>(
        [
            .on(OutreachRequestType.orderRequested, as: OrderRequested.self) { .order($0) },
            .on(OutreachRequestType.ratingSubmitted, as: RatingSubmitted.self) { .rating($0) },
        ],
        onUndecodable: { event, error throws(PoisonMessage) in
            let keyField = event.type == OutreachRequestType.orderRequested ? "orderId" : "eventId"
            guard let (requestId, key) = UndecodableRequest.answerable(event.data, keyField: keyField) else {
                throw PoisonMessage(code: "invalid_payload", reason: "\(UndecodableRequest.describe(error)) (and no usable requestId to answer to)")
            }
            return .invalid(requestId: requestId, key: key ?? requestId, detail: UndecodableRequest.describe(error))
        })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        // Per-order and per-event order depends on the key: a request keyed otherwise is answered invalid.
        let requestId: String
        let key: String
        let field: String
        switch command {
        case .order(let order): (requestId, key, field) = (order.requestId, order.orderId, "orderId")
        case .rating(let rating): (requestId, key, field) = (rating.requestId, rating.eventId, "eventId")
        case .invalid: return command
        }
        guard message.isKeyed(by: key) else {
            return .invalid(requestId: requestId, key: key, detail: "the record's Kafka key must be its \(field)")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        let orders = OrderStore(logger: transaction.logger, deadlines: deadlines)
        var ratings: [RatingSubmitted] = []
        for received in commands {
            switch received.command {
            case .order(let request):
                let placement = OrderInput(
                    orderId: request.orderId, siteId: request.siteId, programmeId: request.programmeId, from: request.from, until: request.until,
                    expectedAudience: request.expectedAudience, note: request.note)
                let actor = OrderActor(subject: String(request.requestId.prefix(FieldLimit.identifier)), role: "frontend")
                if case .refused(let reason, let detail) = try await orders.place(placement, actor: actor, in: transaction) {
                    try reject(request.requestId, key: request.orderId, reason, detail, in: transaction)
                }
            case .rating(let rating):
                ratings.append(rating)
            case .invalid(let requestId, let key, let detail):
                try reject(requestId, key: key, .invalid, detail, in: transaction)
            }
        }
        try await rate(ratings, in: transaction)
    }

    /// Who rated what: a resident's later rating of an event replaces the earlier one.
    private struct Rater: Hashable {
        let eventId: String
        let residentId: String
    }

    /// A batch's ratings set-wise: the events that can be rated read once, the ratings written in one statement,
    /// and each rated event's count and mean published once.
    private func rate(_ ratings: [RatingSubmitted], in transaction: HandlerTransaction) async throws {
        guard !ratings.isEmpty else { return }
        let connection = transaction.connection
        let logger = transaction.logger
        let rateable = Set(
            try await connection.query(
                """
                SELECT id FROM activity_event WHERE id = ANY(\(Array(Set(ratings.map(\.eventId))))::text[]) AND status IN ('held', 'reported')
                """, logger: logger
            ).collect().map { try $0.decode(String.self) })
        var latest: [Rater: RatingSubmitted] = [:]
        for rating in ratings {
            guard rateable.contains(rating.eventId) else {
                try reject(rating.requestId, key: rating.eventId, .notRateable, "event \(rating.eventId) is not a held event", in: transaction)
                continue
            }
            latest[Rater(eventId: rating.eventId, residentId: rating.residentId)] = rating
        }
        guard !latest.isEmpty else { return }
        let kept = Array(latest.values)
        try await connection.query(
            """
            INSERT INTO event_rating AS r (event_id, resident_id, score, comment)
            SELECT e, r, s, nullif(c, '') FROM unnest(\(kept.map(\.eventId))::text[], \(kept.map(\.residentId))::text[],
                                                \(kept.map(\.score))::int[], \(kept.map { $0.comment ?? "" })::text[]) AS k(e, r, s, c)
            ON CONFLICT (event_id, resident_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, at = now()
            """, logger: logger)
        let events = Array(Set(kept.map(\.eventId)))
        for try await (eventId, count, average) in try await connection.query(
            """
            SELECT event_id, count(*)::int, avg(score)::float8 FROM event_rating WHERE event_id = ANY(\(events)::text[])
            GROUP BY event_id ORDER BY event_id
            """, logger: logger
        ).decode((String, Int, Double).self) {
            transaction.emit(
                try OutreachEvent.about(
                    eventId, kind: "event", ActivityEventType.eventRated,
                    EventRated(eventId: eventId, rating: EventRating(ratings: count, average: (average * 100).rounded() / 100))))
        }
    }

    private func reject(_ requestId: String, key: String, _ reason: OutreachRejection, _ detail: String, in transaction: HandlerTransaction) throws {
        transaction.emit(
            try OutreachEvent.about(
                key, kind: "request", ActivityEventType.requestRejected,
                OutreachRequestRejected(requestId: requestId, reason: reason, detail: FieldLimit.truncated(detail, maxBytes: FieldLimit.text))))
    }
}
