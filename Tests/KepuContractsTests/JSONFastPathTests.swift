import Foundation
import KepuTestSupport
import Testing

@testable import KepuContracts

/// The payload fast path must decode exactly what Foundation's decoder decodes, to the same value, and leave
/// everything else to it: `decodeData` then returns Foundation's value or error.
@Suite("JSON payload fast path")
struct JSONFastPathTests {
    /// `decodeData`, Foundation alone and the fast path alone, on the same bytes.
    func outcomes<T: Decodable & Equatable>(_ type: T.Type, _ json: [UInt8]) -> (public: T?, foundation: T?, fast: T?) {
        let event = CloudEvent(source: "/test", type: "kepu.test.v1", data: json)
        return (
            try? event.decodeData(as: T.self), try? CloudEvent.jsonDecoder.decode(T.self, from: Data(json)),
            try? JSONFastPath.decode(T.self, from: json)
        )
    }

    /// Decoding here; encoding the decoded value again is `JSONEncodingFastPathTests`' (one pass over the examples).
    @Test("every booking example in the AsyncAPI document takes both fast paths: decoded to Foundation's value, encoded again to Foundation's bytes")
    func examples() throws {
        let validator = JSONSchemaValidator(root: AsyncAPIDocumentTests.document)
        func check<T: Codable & Equatable>(_ type: T.Type, _ message: String) throws {
            let examples = try #require(validator.resolve("#/components/messages/\(message)")["examples"] as? [[String: Any]])
            #expect(!examples.isEmpty, "\(message) has examples")
            for example in examples {
                let json = Array(try JSONSerialization.data(withJSONObject: try #require(example["payload"])))
                let (_, foundation, fast) = outcomes(T.self, json)
                #expect(foundation != nil, "\(message)")
                #expect(fast == foundation, "\(message): \(String(decoding: json, as: UTF8.self))")
                if let foundation {
                    let (foundationBytes, fastBytes) = try JSONEncodingFastPathTests.encodings(foundation)
                    #expect(fastBytes == foundationBytes, "\(message) encoded")
                }
            }
        }
        try check(SeatsRequested.self, "SeatsRequested")
        try check(CancellationRequested.self, "CancellationRequested")
        try check(CheckInRequested.self, "CheckInRequested")
        try check(BookingConfirmed.self, "BookingConfirmed")
        try check(BookingWaitlisted.self, "BookingWaitlisted")
        try check(BookingRejected.self, "BookingRejected")
        try check(BookingCancelled.self, "BookingCancelled")
        try check(BookingPromoted.self, "BookingPromoted")
        try check(BookingCheckedIn.self, "BookingCheckedIn")
        try check(NoShowRecorded.self, "NoShowRecorded")
        try check(ResidentSuspended.self, "ResidentSuspended")
        try check(DedicatedVisitRequested.self, "DedicatedVisitRequested")
        try check(GroupPooled.self, "GroupPooled")
        try check(DedicatedSessionOpened.self, "DedicatedSessionOpened")
        try check(SessionPublished.self, "SessionCreated")
        try check(SessionClosed.self, "SessionClosed")
    }

    static let seatRequests: [String] = [
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2}}"#,
        #" { "requestId" : "r1" , "sessionId":"s1","party":{"kind":"group","unitId":"u","headcount":30,"acceptPartial":false},"contact":null,"extra":[1,{"a":[]}]} "#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2},"contact":{"name":"王老师","phone":"138"}}"#,
        // Escapes, in values and in keys: Foundation's.
        #"{"requestId":"r\"1\u0041","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2}}"#,
        #"{"request\u0049d":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2},"contact":{"name":"a","phone":"1","n\u0061me":"b"}}"#,
        // A repeated key.
        #"{"requestId":"r1","requestId":"r2","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2}}"#,
        // Numbers an integer field may or may not take.
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2.0}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2e0}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":-2}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":99999999999999999999}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":-9223372036854775808}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":02}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":"2"}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":true}}"#,
        // Not JSON, or not this type.
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2},}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2}} x"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2}"#,
        "{\"requestId\":\"r\t1\",\"sessionId\":\"s1\",\"party\":{\"kind\":\"individual\",\"residentId\":\"p1\",\"seats\":2}}",
        "\u{FEFF}{\"requestId\":\"r1\",\"sessionId\":\"s1\",\"party\":{\"kind\":\"individual\",\"residentId\":\"p1\",\"seats\":2}}",
        #"{"requestId":null,"sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2}}"#,
        #"{"sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":2}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"family","residentId":"p1","seats":2}}"#,
        #"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p1","seats":0}}"#,
        #"["requestId"]"#, "", "null", "{}", #"{"requestId":tru}"#, #"{"requestId":"r1\u00"}"#,
        String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ]

    @Test(
        "seat requests, odd and invalid: where the fast path decodes, Foundation decodes the same; decodeData refuses repeated keys and values out of limits",
        arguments: seatRequests)
    func seatRequest(_ json: String) {
        let (value, foundation, fast) = outcomes(SeatsRequested.self, Array(json.utf8))
        if fast != nil { #expect(fast == foundation) }
        // Readers disagree about a repeated key (Foundation takes the last): refused before either decodes. A field
        // the schema does not define is refused too.
        let refused =
            (try? JSONFastPath.check(Array(json.utf8))) == nil || JSONFastPath.unknownField(in: Array(json.utf8), SeatsRequested.fields) != nil
        let withinLimits = foundation.flatMap { (try? $0.validate()) != nil ? $0 : nil }
        #expect(value == (refused ? nil : withinLimits))
        if json.contains(#""seats":-2"#) || json.contains(#""requestId":"r2""#) { #expect(value == nil) }
    }

    @Test("invalid UTF-8 is left to Foundation, which rejects it")
    func invalidUTF8() {
        var json = Array(#"{"requestId":"r1","sessionId":"s1","party":{"kind":"individual","residentId":"p"#.utf8)
        json += [0xC3, 0x28] + Array(#"","seats":2}}"#.utf8)
        let (value, foundation, fast) = outcomes(SeatsRequested.self, json)
        #expect(fast == nil && foundation == nil && value == nil)
    }

    static let sessionTimes = [
        "2026-03-07T01:00:00Z", "2026-03-07T09:00:00+08:00", "2026-03-07T01:00:00.125Z", "2026-03-07t01:00:00z",
        "2026-02-30T01:00:00Z", "2026-03-07 01:00:00Z", "2026-03-07T01:00:00", "2026-03-07T25:00:00Z", #"2026-03-07T01:00:00\u005A"#,
    ]

    @Test("session times: RFC 3339 as the contract's date strategy reads it", arguments: sessionTimes)
    func sessionTime(_ time: String) {
        let json =
            #"{"sessionId":"s","venueId":"v","venueKind":"museum","unitPath":["sz","sz-futian"],"title":"t","startsAt":"\#(time)","endsAt":"2026-03-07T03:00:00Z","capacity":120,"dedicated":false}"#
        let (value, foundation, fast) = outcomes(SessionPublished.self, Array(json.utf8))
        if fast != nil { #expect(fast == foundation) }
        #expect(value == foundation)
    }
}
