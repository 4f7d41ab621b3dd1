import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime

/// A decoded request. `fingerprint` is a SHA-256 of the request as received (`RequestFingerprint`), to tell a repeat
/// from a conflicting reuse of its request id without keeping the request's contact details.
enum BookingCommand: Sendable {
    case seats(SeatsRequested, fingerprint: RequestFingerprint)
    case cancel(CancellationRequested, fingerprint: RequestFingerprint)
    case checkIn(CheckInRequested, fingerprint: RequestFingerprint)
    case dedicatedVisit(DedicatedVisitRequested, fingerprint: RequestFingerprint)
    /// The request id could be read but the rest is unusable: the sender gets a rejection saying why.
    case invalid(requestId: String, sessionId: String?, detail: String)
}

extension BookingCommand {
    /// Largest seat count a request may name before it is invalid regardless of the session.
    static let seatCeiling = 10_000

    /// A request as its payload reads, before booking's own checks (the record's key, the seat ceiling).
    enum Request {
        case seats(SeatsRequested)
        case cancel(CancellationRequested)
        case checkIn(CheckInRequested)
        case dedicatedVisit(DedicatedVisitRequested)
        /// Readable enough to answer, not to act on: the sender is told why.
        case unanswerable(requestId: String, sessionId: String?, detail: String)
    }

    /// The requests topic's types. A payload that does not decode but names a usable request id is answered (not
    /// dead-lettered); a retired version is answered with its successor's name.
    static let decoder = EventDecoder<Request>(
        [
            .on(BookingRequestType.seatsRequested, as: SeatsRequested.self) { .seats($0) },
            .on(BookingRequestType.cancellationRequested, as: CancellationRequested.self) { .cancel($0) },
            .on(BookingRequestType.checkInRequested, as: CheckInRequested.self) { .checkIn($0) },
            .on(BookingRequestType.dedicatedVisitRequested, as: DedicatedVisitRequested.self) { .dedicatedVisit($0) },
        ]
            + BookingRequestType.retired.map { type, successor in
                .read(type) { event throws(PoisonMessage) in
                    guard let (requestId, _) = answerable(event) else {
                        throw PoisonMessage(
                            code: "retired_type", reason: "\(type) is retired: send \(successor) (and no usable requestId to answer to)")
                    }
                    return .unanswerable(
                        requestId: requestId, sessionId: nil, detail: "\(type) is retired: send \(successor), with a claim token's hash")
                }
            },
        onUndecodable: { event, error throws(PoisonMessage) in
            guard let (requestId, sessionId) = answerable(event) else {
                throw PoisonMessage(code: "invalid_payload", reason: "\(describe(error)) (and no usable requestId to answer to)")
            }
            return .unanswerable(requestId: requestId, sessionId: sessionId, detail: describe(error))
        })

    /// The request id a payload names, if it is one that can be answered, and its session id if that could be a key.
    private static func answerable(_ event: CloudEvent) -> (requestId: String, sessionId: String?)? {
        UndecodableRequest.answerable(event.data, keyField: "sessionId").map { ($0.requestId, $0.key) }
    }

    /// `key` is the record's Kafka key: per-session order holds only if a request is keyed by the aggregate it
    /// changes (the session; the museum's venue for a dedicated visit), so a request keyed otherwise is invalid.
    static func decode(_ event: CloudEvent, key: [UInt8]?) throws(PoisonMessage) -> BookingCommand {
        func keyProblem(_ expected: String, _ field: String) -> String? {
            guard let key, key.equalsUTF8(of: expected) else { return "the record's Kafka key must be its \(field)" }
            return nil
        }
        switch try decoder.decode(event) {
        case .unanswerable(let requestId, let sessionId, let detail):
            return .invalid(requestId: requestId, sessionId: sessionId, detail: detail)
        case .seats(let request):
            var problem: String?
            switch request.party {
            case .individual(_, let seats):
                if seats < 1 || seats > seatCeiling { problem = "party.seats must be 1...\(seatCeiling), got \(seats)" }
            case .group(_, let headcount, _):
                if headcount < 1 || headcount > seatCeiling { problem = "party.headcount must be 1...\(seatCeiling), got \(headcount)" }
            }
            if let problem = problem ?? keyProblem(request.sessionId, "sessionId") {
                return .invalid(requestId: request.requestId, sessionId: request.sessionId, detail: problem)
            }
            return .seats(request, fingerprint: RequestFingerprint(type: event.type, payload: event.data))
        case .cancel(let request):
            return .cancel(request, fingerprint: RequestFingerprint(type: event.type, payload: event.data))
        case .checkIn(let request):
            return .checkIn(request, fingerprint: RequestFingerprint(type: event.type, payload: event.data))
        case .dedicatedVisit(let request):
            var problem: String?
            if request.headcount < 1 || request.headcount > seatCeiling {
                problem = "headcount must be 1...\(seatCeiling), got \(request.headcount)"
            } else if !isCalendarDate(request.date) {
                problem = "date must be a calendar date yyyy-MM-dd, got '\(request.date)'"
            }
            if let problem = problem ?? keyProblem(request.venueId, "venueId") {
                return .invalid(requestId: request.requestId, sessionId: nil, detail: problem)
            }
            return .dedicatedVisit(request, fingerprint: RequestFingerprint(type: event.type, payload: event.data))
        }
    }

    /// "yyyy-MM-dd" naming a day that exists (no 2026-02-30).
    static func isCalendarDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (2000...2999).contains(year), (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    private static func describe(_ error: any Error) -> String { UndecodableRequest.describe(error) }
}
