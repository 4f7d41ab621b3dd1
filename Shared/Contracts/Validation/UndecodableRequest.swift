import Foundation

/// A frontend's request that does not decode may still name a request id to answer to: the service then tells
/// the sender why (a rejection event) instead of only dead-lettering it. Shared by every service that takes
/// requests from frontends.
public enum UndecodableRequest {
    /// The request id a payload names, if it is one that can be answered (within its limits), and the string in
    /// `keyField` if that could be a key.
    public static func answerable(_ data: [UInt8], keyField: String) -> (requestId: String, key: String?)? {
        let object = (try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any]
        guard let requestId = object?["requestId"] as? String, (try? FieldLimit.check(requestId, "requestId", max: FieldLimit.identifier)) != nil
        else { return nil }
        let key = (object?[keyField] as? String).flatMap { (try? FieldLimit.check($0, keyField, max: FieldLimit.identifier)) != nil ? $0 : nil }
        return (requestId, key)
    }

    /// Why a payload did not decode, in words for the sender (bounded: the decoder's own message may quote input).
    public static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context):
            "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        case DecodingError.valueNotFound(_, let context): "null at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context):
            "invalid value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        case let violation as ContractViolation: "\(violation.field) \(violation.problem)"
        case let rejection as JSONRejection: "\(rejection)"
        default: "\(String(describing: error).prefix(500))"
        }
    }
}
