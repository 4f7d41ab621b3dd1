import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// What frontends send on `kepu.content.requests.v1`, keyed by the site's id: officers joining a roster and reading
/// activities reported. Done is answered by the events it causes (a report by `reading-recorded`; a roster change
/// shows in the admin API); not done by `request-rejected` with the reason. A record without a usable request id is
/// dead-lettered.
struct ContentRequestHandler: EventHandler {
    enum Command: Sendable {
        case officer(OfficerRegistered)
        case reading(ReadingReported)
        case invalid(requestId: String, key: String, detail: String)
    }

    var name: String { "requests" }
    var topics: [String] { [Topics.contentRequests.name] }

    static let decoder = EventDecoder<Command>(
        [
            .on(ContentRequestType.officerRegistered, as: OfficerRegistered.self) { .officer($0) },
            .on(ContentRequestType.readingReported, as: ReadingReported.self) { .reading($0) },
        ],
        onUndecodable: { event, error throws(PoisonMessage) in
            guard let (requestId, key) = UndecodableRequest.answerable(event.data, keyField: "siteId") else {
                throw PoisonMessage(code: "invalid_payload", reason: "\(UndecodableRequest.describe(error)) (and no usable requestId to answer to)")
            }
            return .invalid(requestId: requestId, key: key ?? requestId, detail: UndecodableRequest.describe(error))
        })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        let identity: (requestId: String, siteId: String)
        switch command {
        case .officer(let request): identity = (request.requestId, request.siteId)
        case .reading(let request): identity = (request.requestId, request.siteId)
        case .invalid: return command
        }
        guard message.isKeyed(by: identity.siteId) else {
            return .invalid(requestId: identity.requestId, key: identity.siteId, detail: "the record's Kafka key must be its siteId")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        let logger = transaction.logger
        for received in commands {
            let refusal: ContentRefusal?
            let answer: (requestId: String, key: String)
            switch received.command {
            case .officer(let request):
                refusal = try await OfficerStore(logger: logger).register(request, in: transaction)
                answer = (request.requestId, request.siteId)
            case .reading(let request):
                refusal = try await ReadingStore(logger: logger).report(request, in: transaction)
                answer = (request.requestId, request.siteId)
            case .invalid(let requestId, let key, let detail):
                refusal = ContentRefusal(.invalid, detail)
                answer = (requestId, key)
            }
            if let refusal {
                let rejected = ContentRequestRejected(
                    requestId: answer.requestId, reason: refusal.reason, detail: FieldLimit.truncated(refusal.detail, maxBytes: FieldLimit.text))
                transaction.emit(try ContentEvent.about(answer.key, kind: "request", ContentEventType.requestRejected, rejected))
            }
        }
    }
}
