import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime

/// A decoded request. `fingerprint` is the SHA-256 of the request's canonical JSON (`RequestFingerprint`), to tell a
/// repeat from a conflicting reuse of its request id without keeping the request's contact details.
enum BookingCommand: Sendable {
    case seats(SeatsRequested, fingerprint: String)
    case cancel(CancellationRequested, fingerprint: String)
    case checkIn(CheckInRequested, fingerprint: String)
    case dedicatedVisit(DedicatedVisitRequested, fingerprint: String)
    /// The request id could be read but the rest is unusable: the sender gets a rejection saying why.
    case invalid(requestId: String, sessionId: String?, detail: String)
}

extension BookingCommand {
    /// Largest seat count a request may name before it is invalid regardless of the session.
    static let seatCeiling = 10_000

    /// `key` is the record's Kafka key: per-session order holds only if a request is keyed by the aggregate it
    /// changes (the session; the museum's venue for a dedicated visit), so a request keyed otherwise is invalid.
    static func decode(_ event: CloudEvent, key: [UInt8]?) throws(PoisonMessage) -> BookingCommand {
        func keyProblem(_ expected: String, _ field: String) -> String? {
            guard let key, key.elementsEqual(expected.utf8) else { return "the record's Kafka key must be its \(field)" }
            return nil
        }
        switch event.type {
        case BookingRequestType.seatsRequested:
            return try validated(try decodePayload(SeatsRequested.self, event)) { request in
                switch request.party {
                case .individual(_, let seats):
                    if seats < 1 || seats > seatCeiling { return "party.seats must be 1...\(seatCeiling), got \(seats)" }
                case .group(_, let headcount, _):
                    if headcount < 1 || headcount > seatCeiling { return "party.headcount must be 1...\(seatCeiling), got \(headcount)" }
                }
                return keyProblem(request.sessionId, "sessionId")
            } make: { .seats($0, fingerprint: $1) } session: { $0.sessionId }
        case BookingRequestType.cancellationRequested:
            return try validated(try decodePayload(CancellationRequested.self, event)) { _ in nil }
                make: { .cancel($0, fingerprint: $1) } session: { _ in nil }
        case BookingRequestType.checkInRequested:
            return try validated(try decodePayload(CheckInRequested.self, event)) { _ in nil }
                make: { .checkIn($0, fingerprint: $1) } session: { _ in nil }
        case BookingRequestType.dedicatedVisitRequested:
            return try validated(try decodePayload(DedicatedVisitRequested.self, event)) { request in
                if request.headcount < 1 || request.headcount > seatCeiling { return "headcount must be 1...\(seatCeiling), got \(request.headcount)" }
                guard isCalendarDate(request.date) else { return "date must be a calendar date yyyy-MM-dd, got '\(request.date)'" }
                return keyProblem(request.venueId, "venueId")
            } make: { .dedicatedVisit($0, fingerprint: $1) } session: { _ in nil }
        case let type where BookingRequestType.retired[type] != nil:
            // Readable enough to answer: an old frontend learns which version replaced the one it sent.
            let successor = BookingRequestType.retired[type] ?? ""
            let object = (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any]
            guard let requestId = object?["requestId"] as? String, (try? FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)) != nil
            else {
                throw PoisonMessage(code: "retired_type", reason: "\(type) is retired: send \(successor) (and no usable requestId to answer to)")
            }
            return .invalid(requestId: requestId, sessionId: nil, detail: "\(type) is retired: send \(successor), with a claim token's hash")
        default:
            throw PoisonMessage(code: "unknown_type", reason: "unknown ce_type '\(event.type.prefix(FieldLimit.identifier))' on the booking requests topic")
        }
    }

    private enum Decoded<Payload> {
        case payload(Payload)
        case unreadable(requestId: String, sessionId: String?, detail: String)
    }

    /// Decodes the payload; when it does not decode but names a request id, the sender is told (not the DLQ).
    private static func decodePayload<Payload: Decodable>(_ type: Payload.Type, _ event: CloudEvent) throws(PoisonMessage) -> Decoded<Payload> {
        do {
            return .payload(try event.decodeData(as: Payload.self))
        } catch {
            // Only a request id that could be answered (within its limits) is; the session id only if it could be a key.
            let object = (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any]
            guard let requestId = object?["requestId"] as? String, (try? FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)) != nil
            else {
                throw PoisonMessage(code: "invalid_payload", reason: "\(describe(error)) (and no usable requestId to answer to)")
            }
            let sessionId = (object?["sessionId"] as? String).flatMap { (try? FieldLimit.check($0, "sessionId", max: FieldLimit.identifier)) != nil ? $0 : nil }
            return .unreadable(requestId: requestId, sessionId: sessionId, detail: describe(error))
        }
    }

    private static func validated<Payload: BookingRequestPayload & Encodable & Sendable>(
        _ decoded: Decoded<Payload>, _ problem: (Payload) -> String?, make: (Payload, String) -> BookingCommand,
        session: (Payload) -> String?
    ) throws(PoisonMessage) -> BookingCommand {
        switch decoded {
        case .unreadable(let requestId, let sessionId, let detail):
            return .invalid(requestId: requestId, sessionId: sessionId, detail: detail)
        case .payload(let payload):
            let requestId = payload.requestId
            if let problem = problem(payload) { return .invalid(requestId: requestId, sessionId: session(payload), detail: problem) }
            // Encoding a payload that just decoded cannot fail short of a bug.
            let fingerprint = (try? RequestFingerprint.of(payload)) ?? ""
            return make(payload, fingerprint)
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

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context): "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        case DecodingError.valueNotFound(_, let context): "null at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context): "invalid value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        case let violation as ContractViolation: "\(violation.field) \(violation.problem)"
        case let rejection as JSONRejection: "\(rejection)"
        default: "\(String(describing: error).prefix(500))"
        }
    }
}

/// The request payloads all carry a request id.
protocol BookingRequestPayload { var requestId: String { get } }
extension SeatsRequested: BookingRequestPayload {}
extension CancellationRequested: BookingRequestPayload {}
extension CheckInRequested: BookingRequestPayload {}
extension DedicatedVisitRequested: BookingRequestPayload {}
