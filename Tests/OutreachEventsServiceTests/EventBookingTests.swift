import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import KepuTooling
import Testing

/// Events and booking with the real executables (outreach-events, booking), PostgreSQL and the embedded cluster:
/// an event published with seats is bookable in booking, its changes and cancellation follow, booking's
/// check-ins come back as attendance; residents' ratings and sites' orders arrive over Kafka; bad requests are
/// answered or dead-lettered.
@Suite("Events become booking sessions; requests over Kafka (real executables)", .serialized, .startsServiceProcesses)
struct EventBookingTests {
    static let registry = """
        type,id,parent,name,population,estimated,address,status,since,until,pilot_since
        city,sz,,深圳市,17560061,,,,,,
        district,sz.futian,sz,福田区,1553225,,,,,,
        street,sz.futian.shatou,sz.futian,沙头街道,155322,true,,,,,
        science_base,base.sz.futian.mangrove,sz.futian.shatou,红树林基地,,,,,2022-01-01,,
        center,center.sz.futian,sz.futian,福田区新时代文明实践中心,,,,,,,
        museum,museum.sz.science,sz.futian.shatou,深圳市科学馆,,,,,,,
        """

    static func rfc3339(_ date: Date) -> String { date.formatted(.iso8601) }

    static func event(_ id: String, startsIn minutes: Double, capacity: Int) -> String {
        let start = Date().addingTimeInterval(minutes * 60)
        return
            #"{"eventId":"\#(id)","title":"红树林里的科学","siteId":"base.sz.futian.mangrove","theme":"ecology","format":"visit","startsAt":"\#(rfc3339(start))","endsAt":"\#(rfc3339(start.addingTimeInterval(7200)))","seats":{"capacity":\#(capacity)}}"#
    }

    static func request(_ topic: String, _ type: String, key: String, _ json: String) -> KafkaProducerMessage {
        CloudEvent(source: "/frontend/tests", type: type, data: Array(json.utf8)).kafkaMessage(topic: topic, key: key)
    }

    static func seats(_ requestId: String, session: String) -> KafkaProducerMessage {
        request(
            Topics.bookingRequests.name, BookingRequestType.seatsRequested, key: session,
            #"{"requestId":"\#(requestId)","sessionId":"\#(session)","party":{"kind":"individual","residentId":"r-\#(requestId)","seats":1},"claimTokenHash":"\#(ClaimToken.hash("token-\(requestId)"))"}"#
        )
    }

    static func decoded(_ record: KafkaConsumerMessage) -> (type: String, json: [String: Any])? {
        guard let event = try? CloudEvent(kafkaMessage: record) else { return nil }
        return (event.type, (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any] ?? [:])
    }

    @Test("published with seats: bookable; changed, cancelled and checked in across the services; ratings and orders over Kafka")
    func eventsAndBooking() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let outreach = try ServiceProcess(
            "outreach-events", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        let booking = try ServiceProcess("booking", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        for service in [outreach, booking] { try await service.waitUntilReady() }
        let bookingEvents = try TopicCollector(topic: Topics.bookingEvents.name, bootstrap: cluster.bootstrapServers)
        let outreachEvents = try TopicCollector(topic: Topics.outreachEvents.name, bootstrap: cluster.bootstrapServers)

        let imported = await httpRequest(
            port: outreach.httpPort, method: "POST", path: "/admin/network/import",
            headers: ["Authorization": "Bearer \(ServiceProcess.adminToken)", "Content-Type": "text/csv"], body: Self.registry)
        #expect(imported?.status == 200, "\(imported?.body ?? "no answer")")

        // Published with seats: a session in booking with the event's id.
        #expect(await outreach.admin("POST", "/admin/events", json: Self.event("ev.live", startsIn: 30, capacity: 2))?.status == 201)
        #expect(await booking.get("/sessions/ev.live")?.status == 404, "a draft is not bookable")
        let published = await outreach.admin("POST", "/admin/events/ev.live/steps", json: #"{"action":"publish"}"#)
        #expect(published?.status == 200, "\(published?.body ?? "")")
        try await eventually("booking opens the event's session", timeout: .seconds(30)) {
            (await booking.get("/sessions/ev.live")?.body ?? "").contains(#""capacity":2"#)
        }
        #expect(await outreach.admin("POST", "/admin/events/ev.live/steps", json: #"{"action":"change","seats":{"capacity":3}}"#)?.status == 200)
        try await eventually("the change reaches booking") { (await booking.get("/sessions/ev.live")?.body ?? "").contains(#""capacity":3"#) }

        // Booked and checked in at booking; the check-in is the event's attendance at outreach.
        try await publish([Self.seats("q1", session: "ev.live")], to: cluster)
        let confirmed = try await bookingEvents.first {
            Self.decoded($0).map { $0.type == BookingEventType.confirmed && $0.json["requestId"] as? String == "q1" } == true
        }
        let bookingId = try #require(Self.decoded(confirmed)?.json["bookingId"] as? String)
        try await publish(
            [
                Self.request(
                    Topics.bookingRequests.name, BookingRequestType.checkInRequested, key: "ev.live",
                    #"{"requestId":"q1-in","bookingId":"\#(bookingId)","claimToken":"token-q1"}"#)
            ], to: cluster)
        try await eventually("the check-in is counted as attendance") {
            (await outreach.get("/events/ev.live")?.body ?? "").contains(#""checkedIn":1"#)
        }
        #expect(
            await outreach.admin("POST", "/admin/events/ev.live/steps", json: #"{"action":"hold","walkIns":3,"durationMinutes":120}"#)?.status == 200)
        let held = await outreach.get("/events/ev.live")?.body ?? ""
        #expect(held.contains(#""checkedIn":1"#) && held.contains(#""walkIns":3"#), "\(held)")

        // Ratings over Kafka: a second rating by the same resident replaces the first.
        let rate = { (id: String, resident: String, score: Int) in
            Self.request(
                Topics.outreachRequests.name, OutreachRequestType.ratingSubmitted, key: "ev.live",
                #"{"requestId":"\#(id)","eventId":"ev.live","residentId":"\#(resident)","score":\#(score),"comment":"讲得好"}"#)
        }
        try await publish([rate("rt1", "r-a", 4), rate("rt2", "r-a", 2), rate("rt3", "r-b", 5)], to: cluster)
        try await eventually("the ratings are counted") {
            let body = await outreach.get("/events/ev.live")?.body ?? ""
            return body.contains(#""average":3.5"#) && body.contains(#""ratings":2"#)
        }
        // The collector reads the topic on its own: the answers may reach it after the service shows the ratings.
        try await eventually("the ratings' answers collected") {
            outreachEvents.all.compactMap(Self.decoded).contains { $0.type == ActivityEventType.eventRated }
        }
        let rated = outreachEvents.all.compactMap(Self.decoded).filter { $0.type == ActivityEventType.eventRated }
        // One answer per event and batch, naming no resident.
        #expect(!rated.isEmpty && rated.count <= 3 && rated.allSatisfy { $0.json.keys.sorted() == ["eventId", "rating"] })
        #expect(!outreachEvents.all.contains { String(decoding: $0.value, as: UTF8.self).contains("讲得好") }, "comments stay in the service")

        // Cancelled: booking closes the session and cancels its bookings with the event's reason.
        #expect(await outreach.admin("POST", "/admin/events", json: Self.event("ev.off", startsIn: 600, capacity: 5))?.status == 201)
        #expect(await outreach.admin("POST", "/admin/events/ev.off/steps", json: #"{"action":"publish"}"#)?.status == 200)
        try await eventually("booking opens ev.off") { await booking.get("/sessions/ev.off")?.status == 200 }
        try await publish([Self.seats("q2", session: "ev.off"), Self.seats("q3", session: "ev.off")], to: cluster)
        for id in ["q2", "q3"] {
            _ = try await bookingEvents.first {
                Self.decoded($0).map { $0.type == BookingEventType.confirmed && $0.json["requestId"] as? String == id } == true
            }
        }
        #expect(await outreach.admin("POST", "/admin/events/ev.off/steps", json: #"{"action":"cancel","reason":"台风预警"}"#)?.status == 200)
        try await eventually("both bookings are cancelled with the reason") {
            bookingEvents.all.compactMap(Self.decoded).filter {
                $0.type == BookingEventType.cancelled && $0.json["sessionId"] as? String == "ev.off"
                    && ($0.json["reason"] as? String ?? "").contains("台风预警")
            }.count == 2
        }
        #expect((await booking.get("/sessions/ev.off")?.body ?? "").contains(#""closed":true"#))
        try await publish([Self.seats("q4", session: "ev.off")], to: cluster)
        let late = try await bookingEvents.first { Self.decoded($0).map { $0.json["requestId"] as? String == "q4" } == true }
        #expect(Self.decoded(late)?.type == BookingEventType.rejected)

        // Orders over Kafka: placed, or answered with the reason; a rating of an event not held is refused.
        #expect(
            await outreach.admin(
                "PUT", "/admin/providers/lecturer.li", json: #"{"kind":"lecturer","name":"李老师","districts":["sz.futian"]}"#)?.status == 200)
        let programme =
            #"{"title":"湿地生态","theme":"ecology","format":"lecture","audiences":["children"],"durationMinutes":60,"capacityMin":10,"capacityMax":50,"providerId":"lecturer.li","districts":["sz.futian"]}"#
        #expect(await outreach.admin("PUT", "/admin/programmes/prog.eco", json: programme)?.status == 200)
        let order = { (request: String, id: String, programme: String) in
            Self.request(
                Topics.outreachRequests.name, OutreachRequestType.orderRequested, key: id,
                #"{"requestId":"\#(request)","orderId":"\#(id)","siteId":"center.sz.futian","programmeId":"\#(programme)","from":"2030-04-01","until":"2030-04-30","expectedAudience":30}"#
            )
        }
        try await publish(
            [
                order("or1", "o-k1", "prog.eco"), order("or2", "o-k2", "prog.none"),
                Self.request(
                    Topics.outreachRequests.name, OutreachRequestType.ratingSubmitted, key: "not-its-event",
                    #"{"requestId":"rt4","eventId":"ev.live","residentId":"r-c","score":5}"#),
                Self.request(
                    Topics.outreachRequests.name, OutreachRequestType.ratingSubmitted, key: "ev.off",
                    #"{"requestId":"rt5","eventId":"ev.off","residentId":"r-c","score":5}"#),
                Self.request(
                    Topics.outreachRequests.name, OutreachRequestType.ratingSubmitted, key: "ev.live",
                    #"{"requestId":"rt6","eventId":"ev.live","residentId":"r-c","score":9}"#),
            ], to: cluster)
        try await eventually("the order is placed") {
            (await outreach.admin("GET", "/admin/orders/o-k1")?.body ?? "").contains(#""status":"placed""#)
        }
        let rejected = { outreachEvents.all.compactMap(Self.decoded).filter { $0.type == ActivityEventType.requestRejected } }
        try await eventually("four requests are answered with their reasons") { rejected().count >= 4 }
        let reasons = Dictionary(rejected().map { ($0.json["requestId"] as? String ?? "", $0.json["reason"] as? String ?? "") }) { first, _ in first }
        #expect(reasons == ["or2": "unknown_programme", "rt4": "invalid", "rt5": "not_rateable", "rt6": "invalid"], "\(reasons)")

        // A dedicated session (专场) booking opens at the museum becomes a museum event here.
        let museum =
            #"{"id":"museum.sz.science","kind":"museum","name":"深圳市科学馆","unitPath":["sz","sz.futian","sz.futian.shatou"],"dedicatedSessions":{"threshold":20,"capacity":60,"cutoffDays":1,"startTime":"10:00"}}"#
        try await eventually("booking knows the museum from the registry") {
            await booking.admin("GET", "/admin/venues/museum.sz.science")?.status == 200
        }
        #expect(await booking.admin("POST", "/admin/venues", json: museum)?.status == 200)
        let day = ShanghaiDay(Date()).advanced(by: 10).description
        try await publish(
            (1...2).map { index in
                let hash = ClaimToken.hash("token-dv\(index)")
                return Self.request(
                    Topics.bookingRequests.name, BookingRequestType.dedicatedVisitRequested, key: "museum.sz.science",
                    #"{"requestId":"dv\#(index)","venueId":"museum.sz.science","date":"\#(day)","unitId":"sz.futian.shatou","headcount":12,"claimTokenHash":"\#(hash)"}"#
                )
            }, to: cluster)
        let opened = try await bookingEvents.first { Self.decoded($0)?.type == BookingEventType.dedicatedSessionOpened }
        let dedicated = try #require(Self.decoded(opened)?.json["sessionId"] as? String)
        try await eventually("outreach-events has the dedicated session as a museum event") {
            let body = await outreach.get("/events/\(dedicated)")?.body ?? ""
            return body.contains(#""siteKind":"museum""#) && body.contains(#""status":"published""#)
        }
        #expect(!(await outreach.get("/events/\(dedicated)")?.body ?? "").contains(#""seats""#), "booking keeps that session's seats")

        await bookingEvents.stop()
        await outreachEvents.stop()
        for service in [outreach, booking] { #expect(await service.terminate() == 0) }
    }
}
