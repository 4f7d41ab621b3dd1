import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuTestSupport
import Testing

@testable import BookingService

/// Museum dedicated sessions (专场) and the session events other services read.
@Suite("Museum dedicated sessions and session events", .serialized, .startsServiceProcesses)
struct DedicatedSessionTests {
    /// The Asia/Shanghai calendar date `days` from now, "yyyy-MM-dd".
    static func shanghaiDate(daysFromNow days: Int) -> String {
        ShanghaiCalendar.day(Date().addingTimeInterval(TimeInterval(days * 86400)))
    }

    static func visit(_ requestId: String, venue: String, date: String, unit: String = "futian-center", headcount: Int) -> KafkaProducerMessage {
        BookingHarness.request(
            BookingRequestType.dedicatedVisitRequested, key: venue,
            json:
                #"{"requestId":"\#(requestId)","venueId":"\#(venue)","date":"\#(date)","unitId":"\#(unit)","headcount":\#(headcount),"contact":{"name":"李老师","phone":"13800000001"},\#(BookingHarness.claimField(requestId))}"#
        )
    }

    func museum(_ harness: BookingHarness, id: String, threshold: Int, capacity: Int, cutoffDays: Int) async throws {
        let body =
            #"{"id":"\#(id)","kind":"museum","name":"City Science Museum","unitPath":["sz","sz-futian"],"dedicatedSessions":{"threshold":\#(threshold),"capacity":\#(capacity),"cutoffDays":\#(cutoffDays),"startTime":"09:30","groupMin":2,"groupMax":30}}"#
        let response = await harness.service.admin("POST", "/admin/venues", json: body)
        try #require(response?.status == 200, "museum settings stored: \(String(describing: response))")
    }

    func events(_ harness: BookingHarness, ofType type: String) -> [[String: Any]] {
        harness.outcomes.all.filter { $0.headers.value(named: "ce_type") == Array(type.utf8) }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.value))) as? [String: Any]
        }
    }

    @Test("pooled groups reaching the threshold open a dedicated session and are placed in arrival order up to its capacity")
    func thresholdOpensDedicatedSession() async throws {
        let harness = try await BookingHarness.start()
        try await museum(harness, id: "museum-pool", threshold: 20, capacity: 20, cutoffDays: 1)
        let date = Self.shanghaiDate(daysFromNow: 5)
        #expect(
            await harness.service.admin(
                "POST", "/admin/venues",
                json: #"{"id":"base-1","kind":"science_base","name":"Base","dedicatedSessions":{"threshold":1,"capacity":1,"cutoffDays":0}}"#)?
                .status == 400, "only museums pool groups")
        try await harness.publish(
            Self.visit("g1", venue: "museum-pool", date: date, headcount: 8),
            Self.visit("g2", venue: "museum-pool", date: date, headcount: 7),
            Self.visit("tiny", venue: "museum-pool", date: date, headcount: 1),
            Self.visit("nowhere", venue: "museum-1", date: date, headcount: 8),
            Self.visit("bad-date", venue: "museum-pool", date: "2026-02-30", headcount: 8),
            Self.visit("g3", venue: "museum-pool", date: date, headcount: 10),
            Self.visit("g4", venue: "museum-pool", date: date, headcount: 5))
        #expect(try await harness.outcome(of: "tiny").json["reason"] as? String == "group_size")
        #expect(try await harness.outcome(of: "nowhere").json["reason"] as? String == "unknown_venue", "museum-1 has no dedicated settings")
        #expect(try await harness.outcome(of: "bad-date").json["reason"] as? String == "invalid")

        // g1 and g2 wait in the pool (15 < 20); g3 brings it to 25 and opens the session.
        try await eventually("three groups pooled") { events(harness, ofType: BookingEventType.groupPooled).count == 3 }
        let pooled = events(harness, ofType: BookingEventType.groupPooled)
        #expect(pooled.map { $0["requestId"] as? String } == ["g1", "g2", "g3"])
        #expect(pooled.map { $0["pooledHeadcount"] as? Int } == [8, 15, 25])
        let opened = try await harness.outcomes.first { $0.headers.value(named: "ce_type") == Array(BookingEventType.dedicatedSessionOpened.utf8) }
        let opening = try CloudEvent(kafkaMessage: opened).decodeData(as: DedicatedSessionOpened.self)
        #expect(opening.groups == 3 && opening.pooledHeadcount == 25 && opening.capacity == 20)
        let created = events(harness, ofType: BookingEventType.sessionCreated).filter { $0["sessionId"] as? String == opening.sessionId }
        #expect(created.count == 1 && created.first?["dedicated"] as? Bool == true && created.first?["unitPath"] as? [String] == ["sz", "sz-futian"])

        // Arrival order up to capacity: 8 + 7 fit, 10 does not (5 left) and waits; g4, arriving after, fits the 5.
        let g1 = try await harness.outcome(of: "g1", after: BookingEventType.groupPooled)
        #expect(g1.type == BookingEventType.confirmed && g1.json["sessionId"] as? String == opening.sessionId)
        #expect(try await harness.outcome(of: "g2", after: BookingEventType.groupPooled).type == BookingEventType.confirmed)
        #expect(try await harness.outcome(of: "g3", after: BookingEventType.groupPooled).type == BookingEventType.waitlisted)
        let g4 = try await harness.outcome(of: "g4")
        #expect(g4.type == BookingEventType.confirmed && g4.json["sessionId"] as? String == opening.sessionId, "\(g4)")
        #expect(try await TestPostgres.count(harness.database, "SELECT confirmed_seats FROM session WHERE id = '\(opening.sessionId)'") == 20)
        let startsAt = try await TestPostgres.count(
            harness.database,
            "SELECT extract(hour FROM starts_at AT TIME ZONE 'Asia/Shanghai')::int * 100 + extract(minute FROM starts_at AT TIME ZONE 'Asia/Shanghai')::int FROM session WHERE id = '\(opening.sessionId)'"
        )
        #expect(startsAt == 930, "the museum's start time, in Shanghai")
        #expect(await harness.stop() == 0)
    }

    @Test("at the cutoff an unfilled pool's groups get a public session that day if they fit, otherwise below_threshold")
    func cutoffFallsBackToPublicSessions() async throws {
        let harness = try await BookingHarness.start(environment: ["KEPU_BOOKING_SWEEP_SECONDS": "1"])
        try await museum(harness, id: "museum-cut", threshold: 50, capacity: 60, cutoffDays: 1)
        let date = Self.shanghaiDate(daysFromNow: 5)
        let other = Self.shanghaiDate(daysFromNow: 6)
        let now = Date()
        let publicSession = try await harness.session([
            "venueId": "museum-cut", "capacity": 12, "groupMin": 2, "groupMax": 30,
            "startsAt": "\(date)T10:00:00+08:00", "endsAt": "\(date)T12:00:00+08:00",
            "bookingOpensAt": RFC3339.format(now.addingTimeInterval(-3600)),
        ])
        _ = try await harness.session([ // the next day: never offered
            "venueId": "museum-cut", "capacity": 100, "groupMin": 2, "groupMax": 30,
            "startsAt": "\(other)T10:00:00+08:00", "endsAt": "\(other)T12:00:00+08:00",
        ])
        // Availability by venue and date range: the day of the visit shows only its public session.
        let day = try #require(await harness.service.get("/venues/museum-cut/sessions?from=\(date)&to=\(date)"))
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(day.body.utf8)) as? [String: Any])
        let daySessions = try #require(listed["sessions"] as? [[String: Any]])
        #expect(daySessions.map { $0["id"] as? String } == [publicSession] && daySessions.first?["available"] as? Int == 12)
        let twoDays = try #require(await harness.service.get("/venues/museum-cut/sessions?from=\(date)&to=\(other)"))
        let twoDayList = (try JSONSerialization.jsonObject(with: Data(twoDays.body.utf8)) as? [String: Any])?["sessions"] as? [[String: Any]]
        #expect(twoDayList?.count == 2, "both days, in Shanghai dates")
        #expect(await harness.service.get("/venues/museum-cut/sessions?from=2026-13-01")?.status == 400)
        try await harness.publish(
            Self.visit("p1", venue: "museum-cut", date: date, headcount: 10),
            Self.visit("p2", venue: "museum-cut", date: date, headcount: 8))
        #expect(try await harness.outcome(of: "p1").type == BookingEventType.groupPooled)
        #expect(try await harness.outcome(of: "p2").type == BookingEventType.groupPooled)

        // Pooling now ends 10 days before the date: the cutoff has passed.
        try await museum(harness, id: "museum-cut", threshold: 50, capacity: 60, cutoffDays: 10)
        let p1 = try await harness.outcome(of: "p1", after: BookingEventType.groupPooled)
        #expect(p1.type == BookingEventType.confirmed && p1.json["sessionId"] as? String == publicSession, "10 fit the public session's 12")
        let p2 = try await harness.outcome(of: "p2", after: BookingEventType.groupPooled)
        #expect(p2.type == BookingEventType.rejected && p2.json["reason"] as? String == "below_threshold", "8 do not fit the 2 left: \(p2.json)")
        try await harness.publish(Self.visit("p3", venue: "museum-cut", date: date, headcount: 5))
        #expect(try await harness.outcome(of: "p3").json["reason"] as? String == "window_closed")
        #expect(events(harness, ofType: BookingEventType.dedicatedSessionOpened).isEmpty)
        #expect(try await TestPostgres.count(harness.database, "SELECT confirmed_seats FROM session WHERE id = '\(publicSession)'") == 10)
        #expect(await harness.stop() == 0)
    }

    @Test("session created, changed (with the waitlist promoted into new seats) and closed are published for other services")
    func sessionEvents() async throws {
        let harness = try await BookingHarness.start()
        let session = try await harness.session(["capacity": 1])
        try await harness.publish(
            BookingHarness.seats("first", session: session, resident: "r-1"), BookingHarness.seats("second", session: session, resident: "r-2"))
        #expect(try await harness.outcome(of: "second").type == BookingEventType.waitlisted)
        #expect(await harness.service.admin("PUT", "/admin/sessions/\(session)/capacity", json: #"{"capacity":2}"#)?.status == 200)
        #expect(await harness.service.admin("POST", "/admin/sessions/\(session)/close")?.status == 200)
        try await eventually("created, changed, closed") { !events(harness, ofType: BookingEventType.sessionClosed).isEmpty }
        let created = try #require(events(harness, ofType: BookingEventType.sessionCreated).first { $0["sessionId"] as? String == session })
        #expect(created["capacity"] as? Int == 1 && created["venueKind"] as? String == "museum" && created["unitPath"] as? [String] == ["sz"])
        let changed = try #require(events(harness, ofType: BookingEventType.sessionChanged).first)
        #expect(changed["capacity"] as? Int == 2)
        let second = try await harness.outcome(of: "second")
        let promoted = try await harness.outcomes.first { $0.headers.value(named: "ce_type") == Array(BookingEventType.promoted.utf8) }
        #expect(try CloudEvent(kafkaMessage: promoted).decodeData(as: BookingPromoted.self).bookingId == second.json["bookingId"] as? String)
        #expect(events(harness, ofType: BookingEventType.sessionClosed).first?["venueId"] as? String == "museum-1")
        #expect(await harness.service.admin("POST", "/admin/sessions/\(session)/close")?.status == 200, "closing twice is harmless")
        #expect(await harness.stop() == 0)
    }
}
