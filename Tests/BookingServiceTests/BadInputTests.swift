import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import Testing

/// Bad input of many kinds, interleaved with valid requests on one session (one partition): each bad record gets a
/// rejection with its reason (when a request id can be read) or goes to the dead-letter topic; the consumer keeps
/// going; no valid request is lost.
@Suite("Booking bad input", .serialized, .startsServiceProcesses)
struct BadInputTests {
    @Test("at least 15 kinds of bad input are rejected or dead-lettered, and every valid request is answered")
    func badInput() async throws {
        let harness = try await BookingHarness.start()
        let session = try await harness.session(["capacity": 50])
        let seats = BookingRequestType.seatsRequested
        func raw(_ json: String, _ headers: [KafkaHeader]) -> KafkaProducerMessage {
            KafkaProducerMessage(topic: Topics.bookingRequests.name, key: Array(session.utf8), value: Array(json.utf8), headers: headers)
        }
        func without(_ name: String, _ message: KafkaProducerMessage) -> KafkaProducerMessage {
            var copy = message
            copy.headers.removeAll { $0.name == name }
            return copy
        }
        func replacing(_ name: String, _ value: String, _ message: KafkaProducerMessage) -> KafkaProducerMessage {
            var copy = message
            copy.headers = copy.headers.map { $0.name == name ? KafkaHeader(name: name, string: value) : $0 }
            return copy
        }
        let valid = { (id: String) in BookingHarness.seats(id, session: session, resident: "r-\(id)") }
        var invalidUTF8 = valid("utf8")
        invalidUTF8.value = [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]
        var huge = valid("huge")
        huge.value = Array(repeating: UInt8(ascii: "x"), count: 2 * 1024 * 1024)

        // (record, expected rejection reason for a request id, or expected dead-letter error code)
        let cases: [(KafkaProducerMessage, expect: String)] = [
            (BookingHarness.request(seats, key: session, json: "{\"requestId\": \"malformed\", "), "dlq:invalid_payload"),
            (
                BookingHarness.request(
                    seats, key: session,
                    json:
                        #"{"requestId":"wrong-type","sessionId":"\#(session)","party":{"kind":"individual","residentId":"r","seats":"two"},\#(BookingHarness.claimField("wrong-type"))}"#
                ), "invalid"
            ),
            (BookingHarness.request(seats, key: session, json: #"{"requestId":"no-party","sessionId":"\#(session)"}"#), "invalid"),
            (BookingHarness.seats("zero", session: session, seats: 0), "invalid"),
            (BookingHarness.seats("negative", session: session, seats: -3), "invalid"),
            (BookingHarness.seats("enormous", session: session, seats: 1_000_000_000), "invalid"),
            (BookingHarness.seats("elsewhere", session: "no-such-session"), "unknown_session"),
            (BookingHarness.request("kepu.booking.teleport-requested.v1", key: session, json: "{}"), "dlq:unknown_type"),
            (without("ce_type", valid("no-type")), "dlq:missing_attribute"),
            (without("ce_id", valid("no-id")), "dlq:missing_attribute"),
            (raw(#"{"requestId":"plain"}"#, []), "dlq:not_cloudevent"),
            (invalidUTF8, "dlq:invalid_payload"),
            (huge, "dlq:invalid_payload"),
            (replacing("ce_time", "next tuesday", valid("bad-time")), "dlq:invalid_time"),
            (
                BookingHarness.request(
                    seats, key: session,
                    json:
                        #"{"requestId":"group-no-unit","sessionId":"\#(session)","party":{"kind":"group","headcount":6},\#(BookingHarness.claimField("group-no-unit"))}"#
                ), "invalid"
            ),
            (
                BookingHarness.request(
                    seats, key: session,
                    json:
                        #"{"requestId":"alien-party","sessionId":"\#(session)","party":{"kind":"alien","seats":1},\#(BookingHarness.claimField("alien-party"))}"#
                ), "invalid"
            ),
            // A frontend still on v1 (no claim token) is told which version replaced it.
            (
                BookingHarness.request(
                    "kepu.booking.seats-requested.v1", key: session,
                    json: #"{"requestId":"old-frontend","sessionId":"\#(session)","party":{"kind":"individual","residentId":"r","seats":1}}"#),
                "invalid"
            ),
            (BookingHarness.seats("no-claim", session: session).withoutClaim(), "invalid"),
            (raw("{oops", [KafkaHeader(name: "content-type", string: "application/cloudevents+json")]), "dlq:malformed_structured"),
            (
                BookingHarness.request(
                    seats, key: session, json: #"{"requestId":"","sessionId":"\#(session)","party":{"kind":"individual","residentId":"r","seats":1}}"#
                ), "dlq:invalid_payload"
            ),
            (replacing("ce_specversion", "0.3", valid("old-spec")), "dlq:unsupported_specversion"),
        ]
        #expect(cases.count >= 15)
        var records: [KafkaProducerMessage] = []
        for (index, item) in cases.enumerated() {
            records.append(valid("valid-\(index)"))
            records.append(item.0)
        }
        records.append(valid("valid-last"))
        // A producer that may send the 2 MB record.
        let producer = try KafkaProducer(
            configuration: .producer(bootstrapServers: harness.cluster.bootstrapServers, overrides: ["message.max.bytes": "4000000"]))
        for result in await producer.send(records) { _ = try result.get() }
        await producer.shutdown()

        for index in cases.indices {
            #expect(try await harness.outcome(of: "valid-\(index)").type == BookingEventType.confirmed, "valid-\(index) lost")
        }
        #expect(try await harness.outcome(of: "valid-last").type == BookingEventType.confirmed)
        for (message, expect) in cases where !expect.hasPrefix("dlq:") {
            let requestId = ((try? JSONSerialization.jsonObject(with: Data(message.value))) as? [String: Any])?["requestId"] as? String ?? ""
            let outcome = try await harness.outcome(of: requestId)
            #expect(outcome.type == BookingEventType.rejected, "\(requestId)")
            #expect(outcome.json["reason"] as? String == expect, "\(requestId): \(outcome.json)")
        }
        let retired = try await harness.outcome(of: "old-frontend")
        #expect((retired.json["detail"] as? String)?.contains(BookingRequestType.seatsRequested) == true, "\(retired.json)")
        #expect((try await harness.outcome(of: "no-claim").json["detail"] as? String)?.contains("claimTokenHash") == true)
        let expectedLetters = cases.map(\.expect).filter { $0.hasPrefix("dlq:") }.map { String($0.dropFirst(4)) }
        let letters = try await readTopic("kepu.booking.dlq.v1", cluster: harness.cluster, atLeast: expectedLetters.count)
            .compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(letters.map(\.errorCode).sorted() == expectedLetters.sorted())
        #expect(letters.allSatisfy { $0.sourceTopic == Topics.bookingRequests.name && !$0.error.isEmpty })
        let truncated = try #require(letters.first { $0.value.count == DeadLetter.maxValueBytes })
        #expect(truncated.originalHeaders.isEmpty == false)
        #expect(await harness.stop() == 0)
    }
}
