import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import Testing

/// Records built to stall, flood or mislead booking, each followed by valid traffic: every one is answered (or
/// dead-lettered) at decode, nothing reaches the outbox that could not be published, and the valid requests
/// after them are all answered, once.
@Suite("Booking against hostile requests", .serialized, .startsServiceProcesses)
struct HostileInputTests {
    @Test(
        "oversized, NUL-bearing, repeated-key and wrongly keyed requests are answered invalid with the field named; 2,000 valid requests after them are answered once each"
    )
    func hostileRequests() async throws {
        let harness = try await BookingHarness.start()
        let session = try await harness.session(["capacity": 5000, "maxSeatsPerRequest": 4])
        let seats = BookingRequestType.seatsRequested
        func seatsJSON(_ id: String, session: String = session, resident: String = "r", seats: String = "1", contact: String = "") -> String {
            #"{"requestId":"\#(id)","sessionId":"\#(session)","party":{"kind":"individual","residentId":"\#(resident)","seats":\#(seats)}\#(contact),\#(BookingHarness.claimField(id))}"#
        }
        // (record, the rejection's expected reason and words in its detail; nil: expected in the dead-letter topic)
        let cases: [(KafkaProducerMessage, expect: (reason: String, detail: String)?)] = [
            (
                BookingHarness.request(seats, key: session, json: seatsJSON("huge-session", session: String(repeating: "s", count: 280_000))),
                ("invalid", "sessionId")
            ),
            (BookingHarness.request(seats, key: session, json: seatsJSON("nul-resident", resident: #"r\u0000"#)), ("invalid", "party.residentId")),
            (
                BookingHarness.request(seats, key: session, json: seatsJSON("nul-name", contact: #","contact":{"name":"张\u0000","phone":"1"}"#)),
                ("invalid", "contact.name")
            ),
            (BookingHarness.request(seats, key: session, json: seatsJSON(String(repeating: "q", count: 3000))), nil),
            (
                BookingHarness.request(
                    seats, key: session,
                    json: #"{"requestId":"twice","sessionId":"\#(session)","party":{"kind":"individual","residentId":"r","seats":1,"seats":999}}"#),
                ("invalid", "duplicate key 'seats'")
            ),
            (BookingHarness.request(seats, key: "another-key", json: seatsJSON("wrong-key")), ("invalid", "Kafka key")),
            (
                BookingHarness.request(
                    seats, key: session,
                    json: seatsJSON("huge-name", contact: #","contact":{"name":"\#(String(repeating: "n", count: 300_000))","phone":"1"}"#)),
                ("invalid", "contact.name")
            ),
            // The decoder's own message quotes the unknown party kind: the rejection's detail must not carry 300 KB on.
            (
                BookingHarness.request(
                    seats, key: session,
                    json:
                        #"{"requestId":"huge-kind","sessionId":"\#(session)","party":{"kind":"\#(String(repeating: "k", count: 300_000))","seats":1}}"#
                ), ("invalid", "party")
            ),
        ]
        let valid = (0..<2000).map { BookingHarness.seats("valid-\($0)", session: session, resident: "resident-\($0)") }
        let producer = try KafkaProducer(
            configuration: .producer(bootstrapServers: harness.cluster.bootstrapServers, overrides: ["message.max.bytes": "4000000"]))
        for result in await producer.send(cases.map(\.0) + valid) { _ = try result.get() }
        await producer.shutdown()

        for (message, expect) in cases {
            guard let expect else { continue }
            let requestId = ((try? JSONSerialization.jsonObject(with: Data(message.value))) as? [String: Any])?["requestId"] as? String ?? ""
            let outcome = try await harness.outcome(of: requestId)
            #expect(outcome.type == BookingEventType.rejected, "\(requestId)")
            #expect(outcome.json["reason"] as? String == expect.reason, "\(requestId): \(outcome.json)")
            #expect((outcome.json["detail"] as? String ?? "").contains(expect.detail), "\(requestId): \(outcome.json)")
        }
        _ = try await harness.outcome(of: "valid-1999", timeout: .seconds(60))
        let answers = try await harness.outcomes(atLeast: 2007)
        let answered = answers.compactMap { ((try? JSONSerialization.jsonObject(with: Data($0.data))) as? [String: Any])?["requestId"] as? String }
        let validAnswers = answered.filter { $0.hasPrefix("valid-") }
        #expect(validAnswers.count == 2000, "each valid request answered once")
        #expect(Set(validAnswers).count == 2000)
        #expect(Set(answers.map(\.id)).count == answers.count, "no event published twice")
        #expect(harness.outcomes.all.allSatisfy { ($0.key?.count ?? 0) + $0.value.count < 10_000 }, "no answer echoes the oversized input")
        // Every answer is within the contract its consumers check (metrics would dead-letter one that is not).
        for answer in answers where answer.type == BookingEventType.rejected {
            #expect(throws: Never.self) { try answer.decodeData(as: BookingRejected.self) }
        }
        let letters = try await readTopic("kepu.booking.dlq.v1", cluster: harness.cluster, atLeast: 1).compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(letters.map(\.errorCode) == ["invalid_payload"])
        #expect(letters.first?.error.contains("requestId") == true)
        #expect(try await TestPostgres.count(harness.database, "SELECT count(*)::int FROM outbox_parked") == 0)
        #expect(await harness.stop() == 0)
    }

    @Test("admin input out of range is a 400 naming the field, and the service lives on")
    func adminRanges() async throws {
        let harness = try await BookingHarness.start()
        let recurring = await harness.service.admin(
            "POST", "/admin/sessions/recurring",
            json:
                #"{"venueId":"museum-1","fromDate":"2026-12-01","toDate":"2026-12-02","weekdays":[1,2,3,4,5,6,7],"times":["09:30"],"durationMinutes":\#(Int.max),"capacity":10}"#
        )
        #expect(recurring?.status == 400)
        #expect(recurring?.body.contains("durationMinutes") == true, "\(String(describing: recurring))")
        let venue = await harness.service.admin("POST", "/admin/venues", json: #"{"id":"v\u0000","kind":"museum","name":"x"}"#)
        #expect(venue?.status == 400)
        #expect(venue?.body.contains("id") == true)
        let capacity = await harness.service.admin("PUT", "/admin/sessions/x/capacity", json: #"{"capacity":-1}"#)
        #expect(capacity?.status == 400)
        // Ids and codes from the path and query are checked before they reach SQL.
        let longId = String(repeating: "s", count: 300)
        #expect(await harness.service.get("/sessions/\(longId)")?.status == 400)
        #expect(await harness.service.admin("GET", "/admin/sessions/\(longId)/roster")?.status == 400)
        #expect(await harness.service.get("/bookings/b?code=\(String(repeating: "c", count: 100))")?.status == 400)
        for path in ["/sessions/s%00", "/bookings/b%00?code=x", "/bookings/b?code=x%00"] {
            let status = await harness.service.get(path)?.status ?? 0
            #expect(status == 400 || status == 404, "\(path): \(status)")
        }
        #expect(await harness.service.get("/health/ready")?.status == 200)
        #expect(await harness.stop() == 0)
    }
}
