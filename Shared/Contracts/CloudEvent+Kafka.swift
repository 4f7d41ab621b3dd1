import Foundation
import KepuKafka

/// Why a Kafka record is not a CloudEvent this suite accepts.
public struct EnvelopeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code for dead-letter headers and rejection events.
    public let code: String
    public let detail: String
    public var description: String { "\(code): \(detail)" }

    public static func missing(_ attribute: String) -> EnvelopeError {
        EnvelopeError(code: "missing_attribute", detail: "required CloudEvents attribute '\(attribute)' is missing or empty")
    }
}

/// The CloudEvents Kafka protocol binding (CloudEvents 1.0).
///
/// Out: **binary mode** — attributes in `ce_*` headers, `content-type` header, the value is the data, the key is the
/// aggregate's id. In: binary mode and **structured mode** (`content-type: application/cloudevents+json`, the whole
/// event as one JSON object in the value). Anything else is rejected with an `EnvelopeError`.
extension CloudEvent {
    public static let structuredContentType = "application/cloudevents+json"

    /// This event as a binary-mode Kafka record.
    public func kafkaMessage(topic: String, key: String) -> KafkaProducerMessage {
        var headers = [
            KafkaHeader(name: "ce_specversion", string: "1.0"),
            KafkaHeader(name: "ce_id", string: id),
            KafkaHeader(name: "ce_source", string: source),
            KafkaHeader(name: "ce_type", string: type),
        ]
        if let time { headers.append(KafkaHeader(name: "ce_time", string: RFC3339.format(time))) }
        if let subject { headers.append(KafkaHeader(name: "ce_subject", string: subject)) }
        if let traceParent {
            headers.append(KafkaHeader(name: "ce_traceparent", string: traceParent))
            if let traceState { headers.append(KafkaHeader(name: "ce_tracestate", string: traceState)) }
        }
        headers.append(KafkaHeader(name: "content-type", string: dataContentType ?? CloudEvent.jsonContentType))
        return KafkaProducerMessage(topic: topic, key: Array(key.utf8), value: data, headers: headers)
    }

    /// Reads a record in binary or structured mode.
    public init(kafkaMessage message: KafkaConsumerMessage) throws(EnvelopeError) {
        try self.init(headers: message.headers, value: message.value)
    }

    public init(headers: [KafkaHeader], value: [UInt8]) throws(EnvelopeError) {
        var reader = CloudEventReader()
        self = try reader.read(headers: headers, value: value)
    }

    fileprivate init(headers: [KafkaHeader], value: [UInt8], texts: inout CloudEventReader.Texts) throws(EnvelopeError) {
        // One pass over the headers (every consumed record comes through here); a repeated header: the last wins.
        var binary = BinaryAttributes()
        for header in headers {
            switch header.name {
            case "content-type": binary.contentType = header.value
            case "ce_specversion":
                binary.specVersion = header.value
                binary.isBinaryMode = true
            case "ce_id": binary.id = header.value
            case "ce_source": binary.source = header.value
            case "ce_type": binary.type = header.value
            case "ce_time": binary.time = header.value
            case "ce_subject": binary.subject = header.value
            // The extension's attributes, and the bare W3C headers a frontend's Kafka instrumentation writes.
            case "ce_traceparent", "traceparent": binary.traceParent = header.value
            case "ce_tracestate", "tracestate": binary.traceState = header.value
            default: continue
            }
        }
        if let contentType = binary.contentType, CloudEvent.isStructured(contentType: contentType) {
            self = try CloudEvent.decodeStructured(value)
            // A structured event without the attributes may still have come with the headers.
            if traceParent == nil, let parent = TraceContext.traceParent(binary.traceParent) {
                traceParent = parent
                traceState = TraceContext.traceState(binary.traceState)
            }
        } else if binary.isBinaryMode {
            self = try binary.event(value: value, contentType: binary.contentType.map(CloudEvent.contentTypeText), texts: &texts)
            if let parent = TraceContext.traceParent(binary.traceParent) {
                traceParent = parent
                traceState = TraceContext.traceState(binary.traceState)
            }
        } else {
            throw EnvelopeError(
                code: "not_cloudevent",
                detail: "neither binary mode (ce_specversion header) nor structured mode (content-type \(CloudEvent.structuredContentType))")
        }
    }

    /// Whether a `content-type` header says structured mode (media types are case-insensitive). Compared as bytes:
    /// every consumed record comes through here, and lowercasing a copy of the text allocated twice per record.
    static func isStructured(contentType: [UInt8]) -> Bool {
        let prefix = structuredContentType.utf8
        guard contentType.count >= prefix.count else { return false }
        return zip(contentType, prefix).allSatisfy { byte, expected in
            byte == expected || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == expected)
        }
    }

    /// A binary-mode record's content type as text; the usual one is shared, not allocated per record.
    static func contentTypeText(_ bytes: [UInt8]) -> String {
        bytes.equalsUTF8(of: jsonContentType) ? jsonContentType : String(decoding: bytes, as: UTF8.self)
    }

    /// The content type a binary-mode record without one is sent with, and structured data defaults to.
    private static let jsonContentType = "application/json"

    /// The `ce_*` headers of a binary-mode record, as read.
    private struct BinaryAttributes {
        /// A `ce_specversion` header was there (even with a null value).
        var isBinaryMode = false
        var contentType: [UInt8]?
        var specVersion: [UInt8]?
        var id: [UInt8]?
        var source: [UInt8]?
        var type: [UInt8]?
        var time: [UInt8]?
        var subject: [UInt8]?
        var traceParent: [UInt8]?
        var traceState: [UInt8]?

        func event(value: [UInt8], contentType: String?, texts: inout CloudEventReader.Texts) throws(EnvelopeError) -> CloudEvent {
            func text(_ bytes: [UInt8]?, _ name: String) throws(EnvelopeError) -> String? {
                guard let bytes else { return nil }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw EnvelopeError(code: "invalid_attribute", detail: "header ce_\(name) is not UTF-8")
                }
                return text
            }
            func required(_ bytes: [UInt8]?, _ name: String) throws(EnvelopeError) -> String {
                guard let value = try text(bytes, name), !value.isEmpty else { throw .missing(name) }
                return value
            }
            /// An attribute most records of a batch share: the text read from the very same bytes before, if any.
            func shared(_ bytes: [UInt8]?, _ name: String, _ slot: inout CloudEventReader.Text?) throws(EnvelopeError) -> String {
                if let bytes, let known = slot, known.isReading(bytes) { return known.text }
                let read = try required(bytes, name)
                if let bytes { slot = CloudEventReader.Text(bytes: bytes, text: read) }
                return read
            }
            let specVersion = try shared(specVersion, "specversion", &texts.specVersion)
            guard specVersion == "1.0" else {
                throw EnvelopeError(code: "unsupported_specversion", detail: "specversion \(specVersion) is not 1.0")
            }
            var date: Date?
            if let time {
                guard let parsed = time.withUnsafeBufferPointer(RFC3339.parse(bytes:)) else {
                    throw EnvelopeError(code: "invalid_time", detail: "ce_time '\(String(decoding: time, as: UTF8.self))' is not RFC 3339")
                }
                date = parsed
            }
            return CloudEvent(
                id: try required(id, "id"), source: try shared(source, "source", &texts.source), type: try shared(type, "type", &texts.type),
                time: date,
                subject: try text(subject, "subject"), dataContentType: contentType, data: value)
        }
    }

    private static func decodeStructured(_ value: [UInt8]) throws(EnvelopeError) -> CloudEvent {
        // Readers disagree about a repeated key (in the envelope or its data): refused before anything reads it.
        do {
            _ = try JSONFastPath.check(value)
        } catch {
            throw EnvelopeError(code: "malformed_structured", detail: "\(error)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(value), options: [.fragmentsAllowed])) as? [String: Any] else {
            throw EnvelopeError(code: "malformed_structured", detail: "structured-mode value is not a JSON object")
        }
        func required(_ name: String) throws(EnvelopeError) -> String {
            guard let value = object[name] as? String, !value.isEmpty else { throw .missing(name) }
            return value
        }
        let specVersion = try required("specversion")
        guard specVersion == "1.0" else {
            throw EnvelopeError(code: "unsupported_specversion", detail: "specversion \(specVersion) is not 1.0")
        }
        var time: Date?
        if let raw = object["time"] {
            guard let text = raw as? String, let parsed = RFC3339.parse(text) else {
                throw EnvelopeError(code: "invalid_time", detail: "time is not an RFC 3339 string")
            }
            time = parsed
        }
        var data: [UInt8] = []
        if let base64 = object["data_base64"] {
            guard let text = base64 as? String, let decoded = Data(base64Encoded: text) else {
                throw EnvelopeError(code: "malformed_structured", detail: "data_base64 is not base64")
            }
            data = Array(decoded)
        } else if let json = object["data"], !(json is NSNull) {
            guard let encoded = try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
            else {
                throw EnvelopeError(code: "malformed_structured", detail: "data is not JSON")
            }
            data = Array(encoded)
        }
        let traceParent = TraceContext.traceParent((object["traceparent"] as? String).map { Array($0.utf8) })
        return CloudEvent(
            id: try required("id"), source: try required("source"), type: try required("type"), time: time,
            subject: object["subject"] as? String, dataContentType: (object["datacontenttype"] as? String) ?? jsonContentType,
            data: data, traceParent: traceParent,
            traceState: traceParent == nil ? nil : TraceContext.traceState((object["tracestate"] as? String).map { Array($0.utf8) }))
    }
}

/// Reads records' envelopes one after another. The consumer shares a header value equal to the previous record's
/// (see `KafkaConsumer`), so the reader, seeing the very same bytes again, reuses the text it read from them: a
/// batch's events mostly share their type, source and version, and each would otherwise be validated and
/// allocated once per record.
public struct CloudEventReader {
    /// Text read from a header value, kept with the value (so its storage stays this value's while it is known).
    struct Text {
        let bytes: [UInt8]
        let text: String

        /// Whether `other` is these very bytes (the same storage), not merely equal ones.
        func isReading(_ other: [UInt8]) -> Bool {
            bytes.count == other.count
                && bytes.withUnsafeBufferPointer { mine in other.withUnsafeBufferPointer { $0.baseAddress == mine.baseAddress } }
        }
    }

    struct Texts {
        var specVersion: Text?
        var source: Text?
        var type: Text?
    }

    private var texts = Texts()

    public init() {}

    public mutating func read(_ message: KafkaConsumerMessage) throws(EnvelopeError) -> CloudEvent {
        try read(headers: message.headers, value: message.value)
    }

    public mutating func read(headers: [KafkaHeader], value: [UInt8]) throws(EnvelopeError) -> CloudEvent {
        try CloudEvent(headers: headers, value: value, texts: &texts)
    }
}
