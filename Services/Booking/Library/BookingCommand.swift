import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime

/// A decoded request. `fingerprint` is the request's canonical JSON, to tell a repeat from a conflicting reuse of
/// its request id.
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

    static func decode(_ event: CloudEvent) throws(PoisonMessage) -> BookingCommand {
        switch event.type {
        case BookingRequestType.seatsRequested:
            return try validated(try decodePayload(SeatsRequested.self, event)) { request in
                switch request.party {
                case .individual(let resident, let seats):
                    if resident.isEmpty { return "residentId is empty" }
                    if seats < 1 || seats > seatCeiling { return "seats must be 1...\(seatCeiling), got \(seats)" }
                case .group(let unit, let headcount, _):
                    if unit.isEmpty { return "a group needs the organising unit's unitId" }
                    if headcount < 1 || headcount > seatCeiling { return "headcount must be 1...\(seatCeiling), got \(headcount)" }
                }
                return request.sessionId.isEmpty ? "sessionId is empty" : nil
            } make: { .seats($0, fingerprint: $1) } session: { $0.sessionId }
        case BookingRequestType.cancellationRequested:
            return try validated(try decodePayload(CancellationRequested.self, event)) { $0.bookingId.isEmpty ? "bookingId is empty" : nil }
                make: { .cancel($0, fingerprint: $1) } session: { _ in nil }
        case BookingRequestType.checkInRequested:
            return try validated(try decodePayload(CheckInRequested.self, event)) { $0.bookingId.isEmpty ? "bookingId is empty" : nil }
                make: { .checkIn($0, fingerprint: $1) } session: { _ in nil }
        case BookingRequestType.dedicatedVisitRequested:
            return try validated(try decodePayload(DedicatedVisitRequested.self, event)) { request in
                if request.venueId.isEmpty { return "venueId is empty" }
                if request.unitId.isEmpty { return "a group needs the organising unit's unitId" }
                if request.headcount < 1 || request.headcount > seatCeiling { return "headcount must be 1...\(seatCeiling), got \(request.headcount)" }
                return isCalendarDate(request.date) ? nil : "date must be a calendar date yyyy-MM-dd, got '\(request.date)'"
            } make: { .dedicatedVisit($0, fingerprint: $1) } session: { _ in nil }
        default:
            throw PoisonMessage(code: "unknown_type", reason: "unknown ce_type '\(event.type)' on the booking requests topic")
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
            let object = (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any]
            guard let requestId = object?["requestId"] as? String, !requestId.isEmpty else {
                throw PoisonMessage(code: "invalid_payload", reason: "\(error) (and no requestId to answer to)")
            }
            return .unreadable(requestId: requestId, sessionId: object?["sessionId"] as? String, detail: describe(error))
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
            // Nobody could match a rejection without a request id: that goes to the dead-letter topic.
            if requestId.isEmpty { throw PoisonMessage(code: "invalid_payload", reason: "requestId is empty") }
            if let problem = problem(payload) { return .invalid(requestId: requestId, sessionId: session(payload), detail: problem) }
            let fingerprint = (try? CloudEvent.encodeData(payload)).map { String(decoding: $0, as: UTF8.self) } ?? ""
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
        default: "\(error)"
        }
    }
}

/// The request payloads all carry a request id.
protocol BookingRequestPayload { var requestId: String { get } }
extension SeatsRequested: BookingRequestPayload {}
extension CancellationRequested: BookingRequestPayload {}
extension CheckInRequested: BookingRequestPayload {}
extension DedicatedVisitRequested: BookingRequestPayload {}
