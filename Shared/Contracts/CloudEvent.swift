import Foundation

/// A CloudEvents 1.0 event: the envelope of every message on the suite's topics.
/// `data` is the JSON payload's bytes, exactly as sent.
public struct CloudEvent: Sendable, Hashable {
    public var id: String
    /// Who produced it, e.g. `/kepu/booking` or `/frontend/wechat-miniprogram`.
    public var source: String
    /// Versioned type, e.g. `kepu.booking.requested.v1`.
    public var type: String
    public var time: Date?
    public var subject: String?
    public var dataContentType: String?
    public var data: [UInt8]
    /// The distributed-tracing extension: the W3C `traceparent` of the span this event was produced in (nil when
    /// it was not traced). Never authorises anything; a malformed one is dropped as it is read (`TraceContext`).
    public var traceParent: String?
    /// The W3C `tracestate` that goes with `traceParent`.
    public var traceState: String?

    public init(
        id: String = UUID().uuidString.lowercased(), source: String, type: String, time: Date? = Date(),
        subject: String? = nil, dataContentType: String? = "application/json", data: [UInt8],
        traceParent: String? = nil, traceState: String? = nil
    ) {
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.subject = subject
        self.dataContentType = dataContentType
        self.data = data
        self.traceParent = traceParent
        self.traceState = traceState
    }

    /// An event whose data is `payload` encoded as JSON.
    public init<Payload: Encodable>(
        id: String = UUID().uuidString.lowercased(), source: String, type: String, time: Date = Date(),
        subject: String? = nil, payload: Payload
    ) throws {
        self.init(
            id: id, source: source, type: type, time: time, subject: subject, dataContentType: "application/json",
            data: try CloudEvent.encodeData(payload))
    }

    /// `payload` as JSON, exactly as `jsonEncoder` writes it: by the fast path when it can, else by `jsonEncoder`.
    public static func encodeData<Payload: Encodable>(_ payload: Payload) throws -> [UInt8] {
        if let bytes = try? JSONFastPath.encode(payload) { return bytes }
        return Array(try jsonEncoder.encode(payload))
    }

    /// Decodes `data` as JSON: by the fast path over the bytes when it can, else (and for every error) by
    /// `jsonDecoder`, so a payload decodes to the same value either way and errors are Foundation's. JSON that
    /// readers would disagree about (a repeated key) is refused with a `JSONRejection` before either decodes it.
    ///
    /// A payload that is a `ValidatedPayload` is checked after decoding, and a `ClosedPayload` for fields it does
    /// not define (`ContractViolation` names the field). The checks are found at run time, so they also run where
    /// the payload type is only known as `Decodable`.
    public func decodeData<Payload: Decodable>(as type: Payload.Type) throws -> Payload {
        try Self.decodePayload(Payload.self, from: data)
    }

    /// `decodeData` over any JSON bytes (an HTTP body decodes by the same rules as an event's payload).
    public static func decodePayload<Payload: Decodable>(_ type: Payload.Type, from data: [UInt8]) throws -> Payload {
        let closed = (Payload.self as? any ClosedPayload.Type)?.fields
        var decoded: Payload?
        do {
            // The fast path checks a closed payload's fields on the document it parsed (no second parse).
            decoded = try JSONFastPath.decode(Payload.self, from: data, closedFields: closed)
        } catch let failure as JSONFastPathFailure where failure.rejection != nil {
            throw failure.rejection ?? .tooDeep(limit: JSONNodeParser.maxDepth)
        } catch let violation as ContractViolation {
            throw violation
        } catch {}
        let payload: Payload
        if let decoded {
            payload = decoded
        } else {
            // Foundation decides (its value or its error), and the closed fields are checked on a parse of their own.
            payload = try CloudEvent.jsonDecoder.decode(Payload.self, from: Data(data))
            if let closed, let unknown = JSONFastPath.unknownField(in: data, closed) { throw ContractViolation.unknownField(unknown) }
        }
        if let validated = payload as? any ValidatedPayload { try validated.validate() }
        return payload
    }

    /// The suite's JSON conventions: ISO 8601 dates, sorted keys (stable bytes for the same value).
    public static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static let jsonDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 time: \(text)"))
            }
            return date
        }
        return decoder
    }()
}
