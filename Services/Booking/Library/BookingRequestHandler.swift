import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Decides booking requests from `kepu.booking.requests.v1` in arrival order per session, and
/// answers each with exactly one event on `kepu.booking.events.v1` (a repeated request gets none: it was answered).
struct BookingRequestHandler: EventHandler {
    var name: String { "requests" }
    var topics: [String] { [Topics.bookingRequests.name] }
    var policy: NoShowPolicy = .defaults
    /// The clock, replaceable in tests.
    var now: @Sendable () -> Date = { Date() }

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> BookingCommand {
        try BookingCommand.decode(event, key: message.key)
    }

    func apply(_ commands: [ReceivedCommand<BookingCommand>], in transaction: HandlerTransaction) async throws {
        let decisions = BookingDecisions(transaction: transaction, now: now(), policy: policy)
        // Consecutive seat requests are decided together; anything else is applied where it stands, so every
        // session still sees its requests in arrival order.
        var run: [(request: SeatsRequested, fingerprint: RequestFingerprint)] = []
        for received in commands {
            if case .seats(let request, let fingerprint) = received.command {
                run.append((request, fingerprint))
                continue
            }
            try await decisions.requestSeats(run)
            run.removeAll()
            switch received.command {
            case .seats: break
            case .cancel(let request, let fingerprint): try await decisions.cancel(request, fingerprint: fingerprint)
            case .checkIn(let request, let fingerprint): try await decisions.checkIn(request, fingerprint: fingerprint)
            case .dedicatedVisit(let request, let fingerprint): try await decisions.requestDedicatedVisit(request, fingerprint: fingerprint)
            case .invalid(let requestId, let sessionId, let detail):
                decisions.reject(requestId: requestId, sessionId: sessionId, .invalid, detail)
            }
        }
        try await decisions.requestSeats(run)
    }
}
