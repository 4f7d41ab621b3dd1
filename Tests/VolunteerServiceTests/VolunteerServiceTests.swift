import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import KepuTooling
import Testing

/// volunteer and outreach-events as real executables with PostgreSQL and the embedded cluster: the registry
/// reaches volunteer, volunteers register over Kafka, an event's volunteer needs are offered and answered, its
/// staffing and shortfall reach outreach, a held event's hours are verified into a certificate a browser renders
/// and anyone can verify; and hours survive a kill -9 mid-batch exactly once.
@Suite("volunteer across the services (real executables)", .serialized, .startsServiceProcesses)
struct VolunteerServiceTests {
    static let registry = """
        type,id,parent,name,population,estimated,address,status,since,until,pilot_since
        city,sz,,深圳市,17560061,,,,,,
        district,sz.futian,sz,福田区,1553225,,,,,,
        street,sz.futian.shatou,sz.futian,沙头街道,155322,true,,,,,
        community,sz.futian.shatou.c1,sz.futian.shatou,上沙社区,20000,true,,,,,
        center,center.sz.futian,sz.futian,福田区新时代文明实践中心,,,,,,,
        station,station.c1,sz.futian.shatou.c1,上沙社区新时代文明实践站,,,,,,,
        """

    static func request(_ type: String, key: String, _ json: String) -> KafkaProducerMessage {
        CloudEvent(source: "/frontend/tests", type: type, data: Array(json.utf8)).kafkaMessage(topic: Topics.volunteerRequests.name, key: key)
    }

    static func registration(
        _ id: String, resident: String, home: String, role: String = "volunteer", site: String? = nil, phone: String,
        skills: String = #"["health","lecture"]"#
    ) -> KafkaProducerMessage {
        let siteField = site.map { #","siteId":"\#($0)""# } ?? ""
        return request(
            VolunteerRequestType.registrationSubmitted, key: id,
            #"{"requestId":"reg-\#(id)","volunteerId":"\#(id)","claimTokenHash":"\#(ClaimToken.hash("token-\(id)"))","residentId":"\#(resident)","teamId":"team.futian","role":"\#(role)"\#(siteField),"name":"志愿者\#(id)","phone":"\#(phone)","skills":\#(skills),"qualifications":[{"kind":"teaching","expiresOn":"2031-12-31"}],"homeUnitId":"\#(home)","serveUnitIds":[],"availability":[{"weekday":6,"from":"09:00","until":"18:00"}],"blackoutDates":[],"monthlyHoursCap":40}"#
        )
    }

    static func decoded(_ record: KafkaConsumerMessage) -> (type: String, json: [String: Any])? {
        guard let event = try? CloudEvent(kafkaMessage: record) else { return nil }
        return (event.type, (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any] ?? [:])
    }

    static func records(_ collector: TopicCollector, _ type: String) -> [[String: Any]] {
        collector.all.compactMap(decoded).filter { $0.type == type }.map(\.json)
    }

    static func token(_ role: AdminRole, scope: String) async throws -> String {
        try await AdminAuthenticator.sign(AdminClaims(subject: "tester", role: role, scope: scope, lifetime: 3600), secret: ServiceProcess.jwtSecret)
    }

    static func call(_ service: ServiceProcess, _ method: String, _ path: String, token: String, json: String = "") async -> (
        status: Int, body: String
    )? {
        await httpRequest(
            port: service.httpPort, method: method, path: path, headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
            body: json)
    }

    @Test("registration, needs, offers and answers, staffing and shortfall at outreach, hours, a certificate rendered and verified")
    func acrossServices() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let outreach = try ServiceProcess("outreach-events", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        let volunteer = try ServiceProcess(
            "volunteer", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers,
            extra: ["KEPU_VOLUNTEER_SWEEP_SECONDS": "1", "KEPU_VOLUNTEER_NEED_WINDOW_DAYS": "3650"])
        for service in [outreach, volunteer] { try await service.waitUntilReady() }
        let events = try TopicCollector(topic: Topics.volunteerEvents.name, bootstrap: cluster.bootstrapServers)

        let imported = await httpRequest(
            port: outreach.httpPort, method: "POST", path: "/admin/network/import",
            headers: ["Authorization": "Bearer \(ServiceProcess.adminToken)", "Content-Type": "text/csv"], body: Self.registry)
        #expect(imported?.status == 200, "\(imported?.body ?? "no answer")")
        // The team can be formed once volunteer knows the district from the registry.
        try await eventually("volunteer follows the registry") {
            await volunteer.admin("PUT", "/admin/teams/team.futian", json: #"{"name":"福田区科技志愿服务分队","unitId":"sz.futian"}"#)?.status == 200
        }
        try await publish(
            [
                Self.registration("vol.li", resident: "r-li", home: "sz.futian.shatou.c1", phone: "13800001111"),
                Self.registration("vol.wang", resident: "r-wang", home: "sz.futian.shatou", phone: "13800002222"),
                Self.registration(
                    "vol.head", resident: "r-head", home: "sz.futian.shatou.c1", role: "site_head", site: "station.c1", phone: "13800003333",
                    skills: #"["general_science"]"#),
                Self.request(
                    VolunteerRequestType.registrationSubmitted, key: "vol.x",
                    #"{"requestId":"reg-x","volunteerId":"vol.x","claimTokenHash":"\#(ClaimToken.hash("token-vol.x"))","residentId":"r-x","teamId":"team.nowhere","role":"volunteer","name":"某","skills":[],"qualifications":[],"homeUnitId":"sz","serveUnitIds":[],"availability":[],"blackoutDates":[],"monthlyHoursCap":10}"#
                ),
            ], to: cluster)
        try await eventually("three volunteers recorded, one registration rejected") {
            Self.records(events, VolunteerEventType.volunteerRecorded).count == 3
                && Self.records(events, VolunteerEventType.requestRejected).contains { $0["reason"] as? String == "unknown_team" }
        }
        // One of Futian's two practice sites has its head registered.
        try await eventually("the site heads' share is published") {
            Self.records(events, VolunteerEventType.siteHeadsCounted).contains {
                $0["unitId"] as? String == "sz.futian" && $0["sites"] as? Int == 2 && $0["sitesWithHead"] as? Int == 1
            }
        }
        #expect((await volunteer.get("/site-heads"))?.body.contains(#""sitesWithHead":1"#) == true)

        // A needs survey at the community: nothing covers it yet.
        try await publish(
            [
                Self.request(
                    VolunteerRequestType.needSubmitted, key: "vol.head",
                    #"{"requestId":"need-1","needId":"need.c1.health","volunteerId":"vol.head","claimToken":"token-vol.head","unitId":"sz.futian.shatou.c1","theme":"health","audience":"seniors","people":30,"preferredTimes":[{"weekday":6,"from":"09:00","until":"12:00"}]}"#
                )
            ], to: cluster)
        try await eventually("the need is aggregated") {
            Self.records(events, VolunteerEventType.needsAggregated).contains { $0["theme"] as? String == "health" && $0["needs"] as? Int == 1 }
        }
        #expect((await volunteer.get("/needs/uncovered"))?.body.contains(#""theme":"health""#) == true)

        // Outreach publishes an event needing two volunteers with health and lecture skills.
        let event =
            #"{"eventId":"ev.v","title":"健康讲座","siteId":"station.c1","theme":"health","format":"lecture","startsAt":"2030-03-02T02:00:00Z","endsAt":"2030-03-02T04:00:00Z","volunteerNeeds":{"count":2,"skills":["health","lecture"],"from":"2030-03-02T02:00:00Z","until":"2030-03-02T04:00:00Z"}}"#
        #expect(await outreach.admin("POST", "/admin/events", json: event)?.status == 201)
        #expect(await outreach.admin("POST", "/admin/events/ev.v/steps", json: #"{"action":"publish"}"#)?.status == 200)
        try await eventually("both fitting volunteers are offered a place") {
            Set(
                Self.records(events, VolunteerEventType.assignmentChanged).filter { $0["status"] as? String == "offered" }.compactMap {
                    $0["volunteerId"] as? String
                })
                == ["vol.li", "vol.wang"]
        }
        // The published event of its theme at the community covers the need now.
        #expect((await volunteer.get("/needs/uncovered"))?.body.contains(#""theme":"health""#) == false)
        let offers = Dictionary(
            Self.records(events, VolunteerEventType.assignmentChanged).compactMap { record -> (String, String)? in
                guard let volunteer = record["volunteerId"] as? String, let id = record["assignmentId"] as? String else { return nil }
                return (volunteer, id)
            }, uniquingKeysWith: { first, _ in first })
        let li = try #require(offers["vol.li"])
        let wang = try #require(offers["vol.wang"])
        try await publish(
            [
                Self.request(
                    VolunteerRequestType.offerAnswered, key: "vol.li",
                    #"{"requestId":"ans-1","volunteerId":"vol.li","claimToken":"token-vol.li","offerId":"\#(li)","accept":true}"#),
                Self.request(
                    VolunteerRequestType.offerAnswered, key: "vol.wang",
                    #"{"requestId":"ans-2","volunteerId":"vol.wang","claimToken":"token-vol.wang","offerId":"\#(wang)","accept":false}"#),
                // Knowing an offer's id (it is in the events) is not enough: the volunteer's claim token is needed.
                Self.request(
                    VolunteerRequestType.offerAnswered, key: "vol.li",
                    #"{"requestId":"ans-forged","volunteerId":"vol.li","claimToken":"guessed","offerId":"\#(li)","accept":false}"#),
                // Another volunteer cannot answer vol.li's offer.
                Self.request(
                    VolunteerRequestType.offerAnswered, key: "vol.head",
                    #"{"requestId":"ans-3","volunteerId":"vol.head","claimToken":"token-vol.head","offerId":"\#(li)","accept":false}"#),
                Self.request(
                    VolunteerRequestType.shiftReported, key: "vol.li",
                    #"{"requestId":"shift-1","volunteerId":"vol.li","claimToken":"token-vol.li","eventId":"ev.v","checkIn":"2030-03-02T01:50:00Z","checkOut":"2030-03-02T04:10:00Z"}"#
                ),
            ], to: cluster)
        try await eventually("outreach shows one accepted, one short") {
            let body = await outreach.get("/events/ev.v")?.body ?? ""
            return body.contains(#""accepted":1"#) && body.contains(#""short":1"#)
        }
        // The collector reads the topic on its own: the answer may reach it after outreach shows the staffing.
        try await eventually("the other volunteer's answer is refused") {
            Self.records(events, VolunteerEventType.requestRejected).contains {
                $0["requestId"] as? String == "ans-3" && $0["reason"] as? String == "offer_closed"
            }
        }

        // An event soon, needing a skill nobody has: its shortfall reaches outreach.
        let soon = Date().addingTimeInterval(3 * 3600)
        let urgent =
            #"{"eventId":"ev.soon","title":"手语科普","siteId":"station.c1","theme":"health","format":"lecture","startsAt":"\#(soon.formatted(.iso8601))","endsAt":"\#(soon.addingTimeInterval(3600).formatted(.iso8601))","volunteerNeeds":{"count":1,"skills":["sign_language"],"from":"\#(soon.formatted(.iso8601))","until":"\#(soon.addingTimeInterval(3600).formatted(.iso8601))"}}"#
        #expect(await outreach.admin("POST", "/admin/events", json: urgent)?.status == 201)
        #expect(await outreach.admin("POST", "/admin/events/ev.soon/steps", json: #"{"action":"publish"}"#)?.status == 200)
        try await eventually("the shortfall is raised and shown at outreach") {
            (await outreach.get("/events/ev.soon")?.body ?? "").contains("shortfallRaisedAt")
        }
        // The test's own reader of the topic may be a moment behind outreach's consumer.
        try await eventually("the shortfall is on the topic") {
            !Self.records(events, VolunteerEventType.shortfallRaised).filter { $0["eventId"] as? String == "ev.soon" }.isEmpty
        }
        #expect(Self.records(events, VolunteerEventType.shortfallRaised).filter { $0["eventId"] as? String == "ev.soon" }.count == 1)

        // Held: vol.li's hours are pending (check-in to check-out, 140 minutes); the survey's need is met (the
        // window is set to ten years: the event is in 2030).
        #expect(await outreach.admin("POST", "/admin/events/ev.v/steps", json: #"{"action":"hold","walkIns":12}"#)?.status == 200)
        try await eventually("pending hours recorded") {
            Self.records(events, VolunteerEventType.hoursRecorded).contains {
                $0["volunteerId"] as? String == "vol.li" && $0["minutes"] as? Int == 140
            }
        }
        try await eventually("the need is met") {
            Self.records(events, VolunteerEventType.needsAggregated).contains { $0["theme"] as? String == "health" && $0["met"] as? Int == 1 }
        }
        // Another team's leader may not verify them; their own may.
        let otherLeader = try await Self.token(.teamLeader, scope: "team.other")
        let leader = try await Self.token(.teamLeader, scope: "team.futian")
        let verify = #"{"entries":[{"eventId":"ev.v","volunteerId":"vol.li"}]}"#
        #expect(await Self.call(volunteer, "POST", "/admin/hours/verify", token: otherLeader, json: verify)?.status == 403)
        #expect(await Self.call(volunteer, "POST", "/admin/hours/verify", token: leader, json: verify)?.status == 200)
        #expect(await Self.call(volunteer, "GET", "/admin/volunteers/vol.li", token: otherLeader)?.status == 403)
        let profile = await Self.call(volunteer, "GET", "/admin/volunteers/vol.li", token: leader)
        #expect(profile?.body.contains("13800001111") == true, "the team leader sees the contact details")

        // The certificate: issued, rendered in a browser, verified by its code.
        let issued = await Self.call(volunteer, "POST", "/admin/volunteers/vol.li/certificates", token: leader)
        #expect(issued?.status == 201)
        let code = try #require(
            ((try? JSONSerialization.jsonObject(with: Data((issued?.body ?? "").utf8))) as? [String: Any])?["code"] as? String)
        let page = await Self.call(volunteer, "GET", "/admin/certificates/\(code)", token: leader)
        #expect(page?.status == 200)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kepu-certificate-\(code).html")
        try (page?.body ?? "").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let browser = try await HeadlessBrowser(url: file.absoluteString)
        try await eventually("the certificate renders") {
            (try? await browser.evaluate("document.getElementById('total-hours') && document.getElementById('total-hours').textContent")) == "\"2.3\""
        }
        #expect(try await browser.evaluate("document.getElementById('code').textContent") == "\"\(code)\"")
        // The DevTools answer is JSON text (non-ASCII escaped): decoded before comparing.
        let name = try await browser.evaluate("document.getElementById('name').textContent")
        #expect((try? JSONSerialization.jsonObject(with: Data(name.utf8), options: .fragmentsAllowed)) as? String == "志愿者vol.li")
        #expect(try await browser.evaluate("document.querySelectorAll('#activities tbody tr').length") == "1")
        #expect(try await browser.evaluate("getComputedStyle(document.body).fontFamily.length > 0") == "true")
        await browser.close()
        let verified = await volunteer.get("/certificates/\(code)")
        #expect(verified?.status == 200)
        #expect(verified?.body.contains(#""totalHours":2.3"#) == true)
        #expect(verified?.body.contains("13800001111") == false && verified?.body.contains("志愿者vol.li") == false, "no contact details")
        #expect(await volunteer.get("/certificates/AAAA-BBBB-CCCC")?.status == 404)

        // No contact detail left the service in an event.
        let published = events.all.map { String(decoding: $0.value, as: UTF8.self) }.joined()
        #expect(!published.contains("1380000") && !published.contains("志愿者vol"))
        await events.stop()
        for service in [outreach, volunteer] { _ = await service.terminate() }
    }
}
