import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import PostgresNIO
import Testing

@testable import BookingService

@Suite("Booking rules, with the booking executable, PostgreSQL and the embedded cluster", .serialized, .startsServiceProcesses)
struct BookingRulesTests {
    @Test("seats are confirmed until full, then waitlisted; a cancellation promotes the waitlist in order")
    func confirmWaitlistPromote() async throws {
        let harness = try await BookingHarness.start()
        let session = try await harness.session(["capacity": 3])
        try await harness.publish(
            BookingHarness.seats("a", session: session, resident: "r-a", seats: 2),
            BookingHarness.seats("b", session: session, resident: "r-b", seats: 2),
            BookingHarness.seats("c", session: session, resident: "r-c", seats: 1),
            BookingHarness.seats("d", session: session, resident: "r-d", seats: 1))
        let a = try await harness.outcome(of: "a")
        #expect(a.type == BookingEventType.confirmed)
        #expect(try await harness.outcome(of: "b").type == BookingEventType.waitlisted)
        #expect(try await harness.outcome(of: "b").json["position"] as? Int == 1)
        #expect(try await harness.outcome(of: "c").type == BookingEventType.confirmed, "1 seat still fits")
        let d = try await harness.outcome(of: "d")
        #expect(d.type == BookingEventType.waitlisted)
        #expect(d.json["position"] as? Int == 2)

        let bookingA = try #require(a.json["bookingId"] as? String)
        #expect(a.json["checkInCode"] == nil && a.json["claimToken"] == nil && a.json["claimTokenHash"] == nil, "the answer carries no secret")
        try await harness.publish(BookingHarness.cancel("cancel-a", session: session, booking: bookingA, token: BookingHarness.token(for: "a")))
        let cancelled = try await harness.outcome(of: "cancel-a")
        #expect(cancelled.type == BookingEventType.cancelled)
        #expect(cancelled.json["late"] as? Bool == false)
        #expect(cancelled.json["seatsFreed"] as? Int == 2)
        let events = try await harness.outcomes(atLeast: 6)
        let promoted = events.filter { $0.type == BookingEventType.promoted }
        let promotedIds = promoted.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.data)) as? [String: Any])?["bookingId"] as? String }
        let bookingB = try #require(try await harness.outcome(of: "b").json["bookingId"] as? String)
        #expect(promotedIds == [bookingB], "FIFO: b was first in line and fits the 2 freed seats; d must wait")
        let promotedParty = try #require(promoted.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.data)) as? [String: Any] })
        #expect(promotedParty["partyKind"] as? String == "individual" && promotedParty["residentId"] as? String == "r-b", "who was promoted, by id")
        #expect(try await TestPostgres.count(harness.database, "SELECT confirmed_seats FROM session WHERE id = '\(session)'") == 3)
        let view = try #require(await harness.service.get("/sessions/\(session)"))
        #expect(view.body.contains("\"available\":0"))
        #expect(await harness.stop() == 0)
    }

    @Test("each rule rejects with its reason code")
    func rejections() async throws {
        let harness = try await BookingHarness.start()
        let open = try await harness.session(["capacity": 5, "waitlistEnabled": false])
        let notYet = try await harness.session(["bookingOpensAt": RFC3339.format(Date().addingTimeInterval(86400))])
        let closing = try await harness.session()
        #expect(await harness.service.admin("POST", "/admin/sessions/\(closing)/close")?.status == 200)
        try await harness.publish(
            BookingHarness.seats("unknown", session: "no-such-session"),
            BookingHarness.seats("over", session: open, seats: 5),
            BookingHarness.group("small-group", session: open, headcount: 1),
            BookingHarness.group("big-group", session: open, headcount: 11),
            BookingHarness.seats("early", session: notYet),
            BookingHarness.seats("closed", session: closing),
            BookingHarness.seats("ok", session: open, seats: 4),
            BookingHarness.seats("full", session: open, seats: 2),
            BookingHarness.seats("ok", session: open, seats: 4), // a repeat: no second answer
            BookingHarness.seats("ok", session: open, seats: 3), // same id, other content
            BookingHarness.request(
                BookingRequestType.seatsRequested, key: open,
                json: #"{"requestId":"zero","sessionId":"\#(open)","party":{"kind":"individual","residentId":"r","seats":0}}"#),
            BookingHarness.request(
                BookingRequestType.seatsRequested, key: open,
                json: #"{"requestId":"no-unit","sessionId":"\#(open)","party":{"kind":"group","unitId":"","headcount":3}}"#))
        let expected: [(String, RejectionReason)] = [
            ("unknown", .unknownSession), ("over", .overLimit), ("small-group", .groupSize), ("big-group", .groupSize),
            ("early", .windowClosed), ("closed", .windowClosed), ("full", .full), ("zero", .invalid), ("no-unit", .invalid),
        ]
        for (request, reason) in expected {
            let outcome = try await harness.outcome(of: request)
            #expect(outcome.type == BookingEventType.rejected, "\(request)")
            #expect(outcome.json["reason"] as? String == reason.rawValue, "\(request): \(outcome.json)")
        }
        let events = try await harness.outcomes(atLeast: 11)
        let answersToOK = events.filter {
            (try? JSONSerialization.jsonObject(with: Data($0.data)) as? [String: Any])?["requestId"] as? String == "ok"
        }
        #expect(
            answersToOK.map(\.type) == [BookingEventType.confirmed, BookingEventType.rejected], "confirmed once, then the conflicting reuse rejected")
        let conflict = try #require(answersToOK.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.data)) as? [String: Any] })
        #expect(conflict["reason"] as? String == RejectionReason.conflict.rawValue)
        #expect(events.allSatisfy { !String(decoding: $0.data, as: UTF8.self).contains("13800000000") }, "no phone numbers in events")
        #expect(await harness.stop() == 0)
    }

    @Test("late cancellation, check-in with the claim token, and the roster behind the admin token")
    func lateCancellationAndCheckIn() async throws {
        let harness = try await BookingHarness.start()
        let now = Date()
        // Starts in an hour: check-in is open, the cancellation deadline (24 h before) has passed.
        let soon = try await harness.session([
            "startsAt": RFC3339.format(now.addingTimeInterval(3600)), "endsAt": RFC3339.format(now.addingTimeInterval(7200)), "capacity": 10,
        ])
        try await harness.publish(
            BookingHarness.seats("late", session: soon, resident: "r-late", seats: 1),
            BookingHarness.seats("door", session: soon, resident: "r-door", seats: 2))
        let late = try await harness.outcome(of: "late")
        let door = try await harness.outcome(of: "door")
        let lateId = try #require(late.json["bookingId"] as? String)
        let doorId = try #require(door.json["bookingId"] as? String)
        let doorToken = BookingHarness.token(for: "door")
        try await harness.publish(
            BookingHarness.cancel("cancel-late", session: soon, booking: lateId, token: BookingHarness.token(for: "late")),
            BookingHarness.checkIn("wrong-code", session: soon, booking: doorId, token: BookingHarness.token(for: "late")),
            BookingHarness.checkIn("right-code", session: soon, booking: doorId, token: doorToken),
            BookingHarness.checkIn("again", session: soon, booking: doorId, token: doorToken))
        #expect(try await harness.outcome(of: "cancel-late").json["late"] as? Bool == true)
        #expect(try await harness.outcome(of: "wrong-code").json["reason"] as? String == "invalid")
        let checkedIn = try await harness.outcome(of: "right-code")
        #expect(checkedIn.type == BookingEventType.checkedIn)
        #expect(checkedIn.json["seats"] as? Int == 2)
        #expect(try await harness.outcome(of: "again").json["reason"] as? String == "invalid", "already checked in")

        #expect(await harness.service.get("/bookings/\(doorId)", headers: ["Kepu-Claim-Token": doorToken])?.body.contains("checked_in") == true)
        #expect(await harness.service.get("/bookings/\(doorId)", headers: ["Kepu-Claim-Token": "token-late"])?.status == 404)
        #expect(await harness.service.get("/bookings/\(doorId)")?.status == 401, "no token, no booking")
        #expect(await harness.service.get("/bookings/\(doorId)?code=\(doorToken)")?.status == 400, "a token in the query string is refused")
        #expect(await harness.service.get("/admin/sessions/\(soon)/roster")?.status == 401)
        let roster = try #require(await harness.service.admin("GET", "/admin/sessions/\(soon)/roster"))
        #expect(roster.status == 200 && roster.body.contains("13800000000"), "contact details only in the admin roster")
        #expect(await harness.stop() == 0)
    }

    @Test("capacity never goes below what is confirmed, and the database refuses an overbooked row")
    func capacityInvariant() async throws {
        let harness = try await BookingHarness.start()
        let session = try await harness.session(["capacity": 4])
        try await harness.publish(BookingHarness.seats("three", session: session, seats: 3))
        #expect(try await harness.outcome(of: "three").type == BookingEventType.confirmed)
        #expect(await harness.service.admin("PUT", "/admin/sessions/\(session)/capacity", json: #"{"capacity":2}"#)?.status == 409)
        #expect(await harness.service.admin("PUT", "/admin/sessions/\(session)/capacity", json: #"{"capacity":6}"#)?.status == 200)
        // The CHECK constraint holds even against a direct write: SQLSTATE 23514 (check_violation), not any error.
        let refusal = await #expect(throws: PSQLError.self) {
            _ = try await TestPostgres.count(
                harness.database, "UPDATE session SET confirmed_seats = capacity + 1 WHERE id = '\(session)' RETURNING 1")
        }
        #expect(refusal?.serverInfo?[.sqlState] == "23514", "\(String(describing: refusal))")
        #expect(await harness.stop() == 0)
    }

    @Test("a request with no request id to answer goes to the dead-letter topic")
    func unanswerableToDeadLetters() async throws {
        let harness = try await BookingHarness.start()
        let session = try await harness.session()
        try await harness.publish(
            BookingHarness.request(BookingRequestType.seatsRequested, key: session, json: "{not json"),
            BookingHarness.request("kepu.booking.mystery.v1", key: session, json: "{}"),
            BookingHarness.seats("after", session: session))
        #expect(try await harness.outcome(of: "after").type == BookingEventType.confirmed, "the partition moved on")
        let letters = try await readTopic("kepu.booking.dlq.v1", cluster: harness.cluster, atLeast: 2).compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(Set(letters.map(\.errorCode)) == ["invalid_payload", "unknown_type"])
        #expect(await harness.stop() == 0)
    }
}

@Suite("Recurring sessions")
struct RecurringSessionTests {
    @Test("every Saturday at 09:00 and 14:00 from March to June, in Shanghai time")
    func saturdays() throws {
        let input = RecurringSessionsInput(
            venueId: "v", title: nil, fromDate: "2026-03-01", toDate: "2026-06-30", weekdays: [6], times: ["14:00", "09:00"], durationMinutes: 90,
            capacity: 40, bookingOpensDaysBefore: 14, cancellationHoursBefore: 24, maxSeatsPerRequest: nil, groupMin: nil, groupMax: nil,
            waitlistEnabled: nil, waitlistCap: nil)
        let sessions = try SessionAdministration.expand(input)
        #expect(sessions.count == 17 * 2, "17 Saturdays from 2026-03-07 to 2026-06-27")
        #expect(RFC3339.format(sessions[0].startsAt) == "2026-03-07T01:00:00.000Z", "09:00 in Shanghai is 01:00 UTC")
        #expect(RFC3339.format(sessions[1].startsAt) == "2026-03-07T06:00:00.000Z")
        #expect(sessions.allSatisfy { $0.endsAt.timeIntervalSince($0.startsAt) == 5400 })
        #expect(sessions[0].cancellationDeadline == sessions[0].startsAt.addingTimeInterval(-86400))
        #expect(throws: AdminInputError.self) {
            try SessionAdministration.expand(
                RecurringSessionsInput(
                    venueId: "v", title: nil, fromDate: "2026-03-01", toDate: "2026-06-30", weekdays: [8], times: ["09:00"], durationMinutes: 90,
                    capacity: 40, bookingOpensDaysBefore: nil, cancellationHoursBefore: nil, maxSeatsPerRequest: nil, groupMin: nil, groupMax: nil,
                    waitlistEnabled: nil, waitlistCap: nil))
        }
    }
}
