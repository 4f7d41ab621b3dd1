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
        headers.append(KafkaHeader(name: "content-type", string: dataContentType ?? "application/json"))
        return KafkaProducerMessage(topic: topic, key: Array(key.utf8), value: data, headers: headers)
    }

    /// Reads a record in binary or structured mode.
    public init(kafkaMessage message: KafkaConsumerMessage) throws(EnvelopeError) {
        try self.init(headers: message.headers, value: message.value)
    }

    public init(headers: [KafkaHeader], value: [UInt8]) throws(EnvelopeError) {
        let contentType = headers.value(named: "content-type").map { String(decoding: $0, as: UTF8.self) }
        if let contentType, contentType.lowercased().hasPrefix(CloudEvent.structuredContentType) {
            self = try CloudEvent.decodeStructured(value)
        } else if headers.contains(where: { $0.name == "ce_specversion" }) {
            self = try CloudEvent.decodeBinary(headers: headers, value: value, contentType: contentType)
        } else {
            throw EnvelopeError(
                code: "not_cloudevent",
                detail: "neither binary mode (ce_specversion header) nor structured mode (content-type \(CloudEvent.structuredContentType))")
        }
    }

    private static func decodeBinary(headers: [KafkaHeader], value: [UInt8], contentType: String?) throws(EnvelopeError) -> CloudEvent {
        func attribute(_ name: String) throws(EnvelopeError) -> String? {
            guard let bytes = headers.value(named: "ce_\(name)") else { return nil }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw EnvelopeError(code: "invalid_attribute", detail: "header ce_\(name) is not UTF-8")
            }
            return text
        }
        func required(_ name: String) throws(EnvelopeError) -> String {
            guard let value = try attribute(name), !value.isEmpty else { throw .missing(name) }
            return value
        }
        let specVersion = try required("specversion")
        guard specVersion == "1.0" else {
            throw EnvelopeError(code: "unsupported_specversion", detail: "specversion \(specVersion) is not 1.0")
        }
        var time: Date?
        if let text = try attribute("time") {
            guard let parsed = RFC3339.parse(text) else { throw EnvelopeError(code: "invalid_time", detail: "ce_time '\(text)' is not RFC 3339") }
            time = parsed
        }
        return CloudEvent(
            id: try required("id"), source: try required("source"), type: try required("type"), time: time,
            subject: try attribute("subject"), dataContentType: contentType, data: value)
    }

    private static func decodeStructured(_ value: [UInt8]) throws(EnvelopeError) -> CloudEvent {
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
            guard let encoded = try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]) else {
                throw EnvelopeError(code: "malformed_structured", detail: "data is not JSON")
            }
            data = Array(encoded)
        }
        return CloudEvent(
            id: try required("id"), source: try required("source"), type: try required("type"), time: time,
            subject: object["subject"] as? String, dataContentType: (object["datacontenttype"] as? String) ?? "application/json",
            data: data)
    }
}
