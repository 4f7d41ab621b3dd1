import Foundation
import KepuContracts
import KepuKafka
import Testing

@Suite("CloudEvents Kafka binding")
struct CloudEventCodecTests {
    func record(_ value: [UInt8], _ headers: [KafkaHeader]) -> KafkaConsumerMessage {
        KafkaConsumerMessage(topic: "t", partition: 0, offset: 0, key: nil, value: value, headers: headers, timestamp: nil)
    }

    @Test("binary mode round-trips every attribute and the data bytes")
    func binaryRoundTrip() throws {
        let time = try #require(RFC3339.parse("2026-05-20T09:30:00.250Z"))
        let event = CloudEvent(
            id: "e-1", source: "/kepu/booking", type: "kepu.booking.confirmed.v1", time: time, subject: "session/7", data: Array("{\"seats\":2}".utf8)
        )
        let message = event.kafkaMessage(topic: "kepu.booking.events.v1", key: "session-7")
        #expect(message.key == Array("session-7".utf8))
        #expect(message.value == event.data)
        #expect(message.headers.value(named: "ce_specversion") == Array("1.0".utf8))
        #expect(message.headers.value(named: "content-type") == Array("application/json".utf8))
        let decoded = try CloudEvent(headers: message.headers, value: message.value)
        #expect(decoded == event)
    }

    @Test("structured mode is accepted, with JSON data or data_base64")
    func structured() throws {
        let json =
            #"{"specversion":"1.0","id":"r-9","source":"/frontend/miniprogram","type":"kepu.booking.requested.v1","time":"2026-05-20T09:30:00Z","data":{"seats":3}}"#
        let event = try CloudEvent(
            kafkaMessage: record(Array(json.utf8), [KafkaHeader(name: "content-type", string: "application/cloudevents+json; charset=utf-8")]))
        #expect(event.id == "r-9")
        #expect(event.type == "kepu.booking.requested.v1")
        #expect(event.time == RFC3339.parse("2026-05-20T09:30:00Z"))
        #expect(String(decoding: event.data, as: UTF8.self) == #"{"seats":3}"#)

        let base64 = #"{"specversion":"1.0","id":"r-10","source":"/x","type":"kepu.x.v1","data_base64":"aGVsbG8="}"#
        let binaryData = try CloudEvent(
            kafkaMessage: record(Array(base64.utf8), [KafkaHeader(name: "content-type", string: "application/cloudevents+json")]))
        #expect(binaryData.data == Array("hello".utf8))

        // Media types are case-insensitive (RFC 9110); a binary-mode content type is kept as sent.
        let shouting = try CloudEvent(
            kafkaMessage: record(Array(base64.utf8), [KafkaHeader(name: "content-type", string: "Application/CloudEvents+JSON")]))
        #expect(shouting.id == "r-10")
        let binary = [
            ("ce_specversion", "1.0"), ("ce_id", "b-1"), ("ce_source", "/x"), ("ce_type", "kepu.x.v1"), ("content-type", "Application/JSON"),
        ]
        let plain = try CloudEvent(kafkaMessage: record(Array("{}".utf8), binary.map { KafkaHeader(name: $0.0, string: $0.1) }))
        #expect(plain.dataContentType == "Application/JSON")
        let usual = try CloudEvent(
            kafkaMessage: record(
                Array("{}".utf8),
                binary.dropLast().map { KafkaHeader(name: $0.0, string: $0.1) } + [KafkaHeader(name: "content-type", string: "application/json")]))
        #expect(usual.dataContentType == "application/json")
    }

    @Test(
        "anything else is rejected with a stable code",
        arguments: [
            ("plain JSON, no headers", [], #"{"seats":1}"#, "not_cloudevent"),
            ("binary without id", [("ce_specversion", "1.0"), ("ce_source", "/x"), ("ce_type", "kepu.x.v1")], "{}", "missing_attribute"),
            ("binary with empty type", [("ce_specversion", "1.0"), ("ce_id", "1"), ("ce_source", "/x"), ("ce_type", "")], "{}", "missing_attribute"),
            (
                "binary spec 0.3", [("ce_specversion", "0.3"), ("ce_id", "1"), ("ce_source", "/x"), ("ce_type", "kepu.x.v1")], "{}",
                "unsupported_specversion"
            ),
            (
                "binary bad time",
                [("ce_specversion", "1.0"), ("ce_id", "1"), ("ce_source", "/x"), ("ce_type", "kepu.x.v1"), ("ce_time", "yesterday")], "{}",
                "invalid_time"
            ),
            ("structured not JSON", [("content-type", "application/cloudevents+json")], "{oops", "malformed_structured"),
            (
                "structured without source", [("content-type", "application/cloudevents+json")],
                #"{"specversion":"1.0","id":"1","type":"kepu.x.v1"}"#, "missing_attribute"
            ),
            (
                "structured bad base64", [("content-type", "application/cloudevents+json")],
                #"{"specversion":"1.0","id":"1","source":"/x","type":"kepu.x.v1","data_base64":"!!"}"#, "malformed_structured"
            ),
        ])
    func rejections(_ name: String, _ headers: [(String, String)], _ value: String, _ code: String) {
        let error = #expect(throws: EnvelopeError.self, "\(name)") {
            try CloudEvent(kafkaMessage: record(Array(value.utf8), headers.map { KafkaHeader(name: $0.0, string: $0.1) }))
        }
        #expect(error?.code == code, "\(name)")
    }

    @Test("a header that is not UTF-8 is rejected")
    func invalidUTF8() {
        let headers = [
            KafkaHeader(name: "ce_specversion", string: "1.0"), KafkaHeader(name: "ce_id", value: [0xff, 0xfe]),
            KafkaHeader(name: "ce_source", string: "/x"), KafkaHeader(name: "ce_type", string: "kepu.x.v1"),
        ]
        let error = #expect(throws: EnvelopeError.self) { try CloudEvent(kafkaMessage: record([], headers)) }
        #expect(error?.code == "invalid_attribute")
    }
}
