import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// What frontends send on `kepu.volunteer.requests.v1`, keyed by the volunteer's id: registrations, needs surveys,
/// answers to offers, sign-ups and shift reports. What is done is answered by the events it causes; what cannot be
/// done by `request-rejected` with the reason (a record without a usable request id is dead-lettered).
struct VolunteerRequestHandler: EventHandler {
    enum Command: Sendable {
        case registration(RegistrationSubmitted)
        case need(NeedSubmitted)
        case answer(OfferAnswered)
        case signUp(RoleSignedUp)
        case shift(ShiftReported)
        /// The request id could be read but the rest is unusable: the sender is told why.
        case invalid(requestId: String, key: String, detail: String)
    }

    let policy: MatchingPolicy

    var name: String { "requests" }
    var topics: [String] { [Topics.volunteerRequests.name] }

    static let decoder = EventDecoder<Command>(
        [
            .on(VolunteerRequestType.registrationSubmitted, as: RegistrationSubmitted.self) { .registration($0) },
            .on(VolunteerRequestType.needSubmitted, as: NeedSubmitted.self) { .need($0) },
            .on(VolunteerRequestType.offerAnswered, as: OfferAnswered.self) { .answer($0) },
            .on(VolunteerRequestType.roleSignedUp, as: RoleSignedUp.self) { .signUp($0) },
            .on(VolunteerRequestType.shiftReported, as: ShiftReported.self) { .shift($0) },
        ],
        onUndecodable: { event, error throws(PoisonMessage) in
            guard let (requestId, key) = UndecodableRequest.answerable(event.data, keyField: "volunteerId") else {
                throw PoisonMessage(code: "invalid_payload", reason: "\(UndecodableRequest.describe(error)) (and no usable requestId to answer to)")
            }
            return .invalid(requestId: requestId, key: key ?? requestId, detail: UndecodableRequest.describe(error))
        })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        let identity: (requestId: String, volunteerId: String)
        switch command {
        case .registration(let request): identity = (request.requestId, request.volunteerId)
        case .need(let request): identity = (request.requestId, request.volunteerId)
        case .answer(let request): identity = (request.requestId, request.volunteerId)
        case .signUp(let request): identity = (request.requestId, request.volunteerId)
        case .shift(let request): identity = (request.requestId, request.volunteerId)
        case .invalid: return command
        }
        // One volunteer's requests are applied in order only when keyed by them.
        guard message.isKeyed(by: identity.volunteerId) else {
            return .invalid(requestId: identity.requestId, key: identity.volunteerId, detail: "the record's Kafka key must be its volunteerId")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        let logger = transaction.logger
        let corps = CorpsStore(logger: logger)
        let needs = NeedsStore(policy: policy, logger: logger)
        let matcher = Matcher(policy: policy, logger: logger)
        let hours = HoursStore(logger: logger)
        let now = Date()
        for received in commands {
            switch received.command {
            case .registration(let request):
                if case .refused(let reason, let detail) = try await corps.register(request, by: .volunteer, in: transaction) {
                    try reject(request.requestId, key: request.volunteerId, reason, detail, in: transaction)
                }
            case .need(let request):
                guard try await claimed(request.requestId, request.volunteerId, request.claimToken, corps, in: transaction) else { continue }
                if case .refused(let reason, let detail) = try await needs.submit(request, in: transaction) {
                    try reject(request.requestId, key: request.volunteerId, reason, detail, in: transaction)
                }
            case .answer(let request):
                guard try await claimed(request.requestId, request.volunteerId, request.claimToken, corps, in: transaction) else { continue }
                let outcome = try await matcher.answer(
                    offer: request.offerId, volunteerId: request.volunteerId, accept: request.accept, now: now, in: transaction)
                if case .refused(let reason, let detail) = outcome {
                    try reject(request.requestId, key: request.volunteerId, reason, detail, in: transaction)
                }
            case .signUp(let request):
                guard try await claimed(request.requestId, request.volunteerId, request.claimToken, corps, in: transaction) else { continue }
                let outcome = try await matcher.signUp(request.volunteerId, to: request.eventId, now: now, in: transaction)
                if case .refused(let reason, let detail) = outcome {
                    try reject(request.requestId, key: request.volunteerId, reason, detail, in: transaction)
                }
            case .shift(let request):
                guard try await claimed(request.requestId, request.volunteerId, request.claimToken, corps, in: transaction) else { continue }
                if case .refused(let reason, let detail) = try await hours.reportShift(request, in: transaction) {
                    try reject(request.requestId, key: request.volunteerId, reason, detail, in: transaction)
                }
            case .invalid(let requestId, let key, let detail):
                try reject(requestId, key: key, .invalid, detail, in: transaction)
            }
        }
    }

    /// Whether the request comes from the volunteer (their claim token); if not, it is answered why.
    private func claimed(_ requestId: String, _ volunteerId: String, _ token: String, _ corps: CorpsStore, in transaction: HandlerTransaction)
        async throws -> Bool
    {
        switch try await corps.holdsClaim(volunteerId, token: token, on: transaction.connection) {
        case true: return true
        case false:
            try reject(requestId, key: volunteerId, .unauthorised, "the claim token is not volunteer \(volunteerId)'s", in: transaction)
        case nil:
            try reject(
                requestId, key: volunteerId, .unknownVolunteer, "volunteer \(volunteerId) is not an active member of the corps", in: transaction)
        }
        return false
    }

    private func reject(_ requestId: String, key: String, _ reason: VolunteerRejection, _ detail: String, in transaction: HandlerTransaction) throws {
        transaction.emit(
            try VolunteerEvent.about(
                key, kind: "request", VolunteerEventType.requestRejected,
                VolunteerRequestRejected(requestId: requestId, reason: reason, detail: FieldLimit.truncated(detail, maxBytes: FieldLimit.text))))
    }
}
