import Foundation
import KepuContracts
import KepuKafka
import Testing

/// The distributed-tracing extension on the bus: carried in binary and structured mode, malformed values dropped
/// (the event is still read), bounded.
@Suite("Trace context in the CloudEvents binding")
struct TraceContextTests {
    static let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    func event(_ headers: [KafkaHeader]) throws -> CloudEvent {
        let base = [
            KafkaHeader(name: "ce_specversion", string: "1.0"), KafkaHeader(name: "ce_id", string: "e-1"),
            KafkaHeader(name: "ce_source", string: "/frontend/tests"), KafkaHeader(name: "ce_type", string: "kepu.x.v1"),
        ]
        return try CloudEvent(headers: base + headers, value: Array("{}".utf8))
    }

    @Test("binary mode round-trips traceparent and tracestate as ce_ headers")
    func binaryRoundTrip() throws {
        let sent = CloudEvent(
            id: "e-1", source: "/kepu/booking", type: "kepu.x.v1", data: [], traceParent: Self.parent, traceState: "kepu=1,rojo=00f067aa0ba902b7")
        let message = sent.kafkaMessage(topic: "t", key: "k")
        #expect(message.headers.value(named: "ce_traceparent") == Array(Self.parent.utf8))
        #expect(message.headers.value(named: "ce_tracestate") == Array("kepu=1,rojo=00f067aa0ba902b7".utf8))
        let read = try CloudEvent(headers: message.headers, value: message.value)
        #expect(read.traceParent == Self.parent)
        #expect(read.traceState == "kepu=1,rojo=00f067aa0ba902b7")
        // Untraced: no header at all.
        let plain = CloudEvent(id: "e-2", source: "/kepu/booking", type: "kepu.x.v1", data: []).kafkaMessage(topic: "t", key: "k")
        #expect(!plain.headers.contains { $0.name.contains("trace") })
    }

    @Test("the bare W3C headers of a frontend's Kafka instrumentation are read too")
    func bareHeaders() throws {
        let read = try event([KafkaHeader(name: "traceparent", string: Self.parent), KafkaHeader(name: "tracestate", string: "a=b")])
        #expect(read.traceParent == Self.parent)
        #expect(read.traceState == "a=b")
    }

    @Test("structured mode carries them as attributes")
    func structured() throws {
        let json = #"{"specversion":"1.0","id":"r-1","source":"/x","type":"kepu.x.v1","traceparent":"\#(Self.parent)","tracestate":"a=b","data":{}}"#
        let read = try CloudEvent(headers: [KafkaHeader(name: "content-type", string: CloudEvent.structuredContentType)], value: Array(json.utf8))
        #expect(read.traceParent == Self.parent)
        #expect(read.traceState == "a=b")
    }

    @Test(
        "a malformed traceparent is dropped, with its tracestate, and the event is still read",
        arguments: [
            "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", // too short
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // zero parent id
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // the forbidden version
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // uppercase
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has nothing after
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", String(repeating: "0", count: 100_000),
        ])
    func malformedParent(_ value: String) throws {
        let read = try event([KafkaHeader(name: "ce_traceparent", string: value), KafkaHeader(name: "ce_tracestate", string: "a=b")])
        #expect(read.id == "e-1")
        #expect(read.traceParent == nil)
        #expect(read.traceState == nil)
    }

    @Test("a later version is read by its first 55 characters")
    func laterVersion() throws {
        let read = try event([KafkaHeader(name: "ce_traceparent", string: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next")])
        #expect(read.traceParent == "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
    }

    @Test("a tracestate over 512 characters or outside printable ASCII is dropped; the traceparent stays")
    func boundedState() throws {
        for state in [String(repeating: "a", count: 513), "a=b\u{0}", "键=值"] {
            let read = try event([KafkaHeader(name: "ce_traceparent", string: Self.parent), KafkaHeader(name: "ce_tracestate", string: state)])
            #expect(read.traceParent == Self.parent)
            #expect(read.traceState == nil)
        }
    }
}
