import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Decides booking requests from `kepu.booking.requests.v1`, one after another in arrival order per session, and
/// answers each with exactly one event on `kepu.booking.events.v1` (a repeated request gets none: it was answered).
struct BookingRequestHandler: EventHandler {
    var name: String { "requests" }
    var topics: [String] { [Topics.bookingRequests.name] }
    var policy: NoShowPolicy = .defaults
    /// The clock, replaceable in tests.
    var now: @Sendable () -> Date = { Date() }

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> BookingCommand {
        try BookingCommand.decode(event)
    }

    func apply(_ commands: [ReceivedCommand<BookingCommand>], in transaction: HandlerTransaction) async throws {
        let decisions = BookingDecisions(transaction: transaction, now: now(), policy: policy)
        for received in commands {
            switch received.command {
            case .seats(let request, let fingerprint): try await decisions.requestSeats(request, fingerprint: fingerprint)
            case .cancel(let request, let fingerprint): try await decisions.cancel(request, fingerprint: fingerprint)
            case .checkIn(let request, let fingerprint): try await decisions.checkIn(request, fingerprint: fingerprint)
            case .dedicatedVisit(let request, let fingerprint): try await decisions.requestDedicatedVisit(request, fingerprint: fingerprint)
            case .invalid(let requestId, let sessionId, let detail):
                decisions.reject(requestId: requestId, sessionId: sessionId, .invalid, detail)
            }
        }
    }
}
