import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import KepuTooling
import Testing

/// Records and requests built to stall, flood or mislead volunteer, each followed by valid traffic: every request
/// is answered with its reason or dead-lettered with where it came from, bad outreach records are dead-lettered,
/// bad HTTP calls get a 4xx with the reason, and what comes after is still taken.
@Suite("volunteer against hostile input (real executable)", .serialized, .startsServiceProcesses)
struct VolunteerHostileInputTests {
    static func record(_ type: String, key: String, _ json: String, topic: String = Topics.volunteerRequests.name) -> KafkaProducerMessage {
        CloudEvent(source: "/frontend/hostile", type: type, data: Array(json.utf8)).kafkaMessage(topic: topic, key: key)
    }

    static func registration(_ id: String, resident: String? = nil, _ change: (String) -> String = { $0 }) -> String {
        change(
            #"{"requestId":"\#(id)","volunteerId":"v-\#(id)","claimTokenHash":"\#(ClaimToken.hash("token"))","residentId":"\#(resident ?? "r-\(id)")","teamId":"team.futian","role":"volunteer","name":"志愿者","skills":["health"],"qualifications":[],"homeUnitId":"sz.futian","serveUnitIds":[],"availability":[{"weekday":6,"from":"09:00","until":"18:00"}],"blackoutDates":[],"monthlyHoursCap":40}"#
        )
    }

    @Test(
        "24 kinds of bad requests answered or dead-lettered, 3 bad outreach records dead-lettered, 9 bad HTTP calls refused; valid traffic after them taken"
    )
    func hostile() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let database = try await TestPostgres.freshDatabase()
        let volunteer = try ServiceProcess("volunteer", database: database, bootstrap: cluster.bootstrapServers)
        try await volunteer.waitUntilReady()
        let events = try TopicCollector(topic: Topics.volunteerEvents.name, bootstrap: cluster.bootstrapServers)
        try await publish(
            try HoursRedeliveryTests.units.map {
                try CloudEvent(
                    source: ServiceName.outreachEvents.eventSource, type: NetworkEventType.unitRecorded, subject: "unit/\($0.unitId)", payload: $0
                )
                .kafkaMessage(topic: Topics.networkUnits.name, key: $0.unitId)
            }, to: cluster)
        try await eventually("volunteer follows the registry") {
            await volunteer.admin("PUT", "/admin/teams/team.futian", json: #"{"name":"福田区科技志愿服务分队","unitId":"sz.futian"}"#)?.status == 200
        }
        #expect(await volunteer.admin("PUT", "/admin/volunteers/v-a", json: VolunteerFixtures.profile("r-taken", home: "sz.futian"))?.status == 200)

        let registered = VolunteerRequestType.registrationSubmitted
        let need = VolunteerRequestType.needSubmitted
        let answer = VolunteerRequestType.offerAnswered
        let shift = VolunteerRequestType.shiftReported
        let signUp = VolunteerRequestType.roleSignedUp
        // (record, the start of its answer's reason and words it contains; nil: dead-lettered)
        let cases: [(KafkaProducerMessage, expect: (String, String)?)] = [
            (
                Self.record(registered, key: "v-h1", Self.registration("h1") { $0.replacingOccurrences(of: "志愿者", with: "志\\u0000") }),
                ("invalid", "name")
            ),
            (
                Self.record(registered, key: "v-h2", Self.registration("h2") { $0.replacingOccurrences(of: "\"weekday\":6", with: "\"weekday\":9") }),
                ("invalid", "weekday")
            ),
            (
                Self.record(registered, key: "v-h3", Self.registration("h3") { $0.replacingOccurrences(of: "\"18:00\"", with: "\"08:00\"") }),
                ("invalid", "until")
            ),
            (
                Self.record(registered, key: "v-h4", Self.registration("h4") { $0.replacingOccurrences(of: ":40}", with: ":0}") }),
                ("invalid", "monthlyHoursCap")
            ),
            (
                Self.record(registered, key: "v-h5", Self.registration("h5") { $0.replacingOccurrences(of: "\"volunteer\"", with: "\"site_head\"") }),
                ("invalid", "siteId")
            ),
            (
                Self.record(
                    registered, key: "v-h6", Self.registration("h6") { $0.replacingOccurrences(of: ":40}", with: ":40,\"monthlyHoursCap\":1}") }),
                ("invalid", "duplicate key")
            ),
            (
                Self.record(
                    registered, key: "v-h7", Self.registration("h7") { $0.replacingOccurrences(of: ":40}", with: ":40,\"nickname\":\"x\"}") }),
                ("invalid", "nickname")
            ),
            (
                Self.record(registered, key: "v-h8", Self.registration("h8") { $0.replacingOccurrences(of: "\"residentId\":\"r-h8\",", with: "") }),
                ("invalid", "residentId")
            ),
            (Self.record(registered, key: "someone-else", Self.registration("h9")), ("invalid", "Kafka key")),
            (
                Self.record(
                    registered, key: "v-h10",
                    Self.registration("h10") {
                        $0.replacingOccurrences(
                            of: "\"qualifications\":[]",
                            with: #""qualifications":[{"kind":"teaching","expiresOn":"2031-01-01"},{"kind":"teaching","expiresOn":"2032-01-01"}]"#)
                    }), ("invalid", "qualifications")
            ),
            (
                Self.record(
                    registered, key: "v-h11",
                    Self.registration("h11") { $0.replacingOccurrences(of: "\"blackoutDates\":[]", with: "\"blackoutDates\":[\"2030-02-30\"]") }),
                ("invalid", "blackoutDates")
            ),
            (
                Self.record(
                    need, key: "v-a",
                    #"{"requestId":"h12","needId":"n","volunteerId":"v-a","claimToken":"\#(VolunteerFixtures.claimToken("r-taken"))","unitId":"sz.futian","theme":"health","audience":"seniors","people":0,"preferredTimes":[]}"#
                ),
                ("invalid", "people")
            ),
            (
                Self.record(
                    need, key: "v-a",
                    #"{"requestId":"h13","needId":"n","volunteerId":"v-a","claimToken":"\#(VolunteerFixtures.claimToken("r-taken"))","unitId":"sz.futian","theme":"\#(String(repeating: "题", count: 200_000))","audience":"seniors","people":3,"preferredTimes":[]}"#
                ),
                ("invalid", "theme")
            ),
            (
                Self.record(
                    shift, key: "v-a",
                    #"{"requestId":"h14","volunteerId":"v-a","claimToken":"\#(VolunteerFixtures.claimToken("r-taken"))","eventId":"e","checkIn":"2030-03-02T04:00:00Z","checkOut":"2030-03-02T02:00:00Z"}"#
                ),
                ("invalid", "checkOut")
            ),
            (
                Self.record(
                    answer, key: "v-a",
                    #"{"requestId":"h15","volunteerId":"v-a","claimToken":"\#(VolunteerFixtures.claimToken("r-taken"))","offerId":"o","accept":"yes"}"#
                ), ("invalid", "accept")
            ),
            (
                Self.record(
                    registered, key: "v-h16", Self.registration("h16") { $0.replacingOccurrences(of: "[\"health\"]", with: "[\"telepathy\"]") }),
                ("unknown_skill", "telepathy")
            ),
            (
                Self.record(
                    registered, key: "v-h17", Self.registration("h17") { $0.replacingOccurrences(of: "\"sz.futian\"", with: "\"sz.atlantis\"") }),
                ("unknown_unit", "sz.atlantis")
            ),
            (
                Self.record(
                    need, key: "v-a",
                    #"{"requestId":"h18","needId":"n18","volunteerId":"v-a","claimToken":"\#(VolunteerFixtures.claimToken("r-taken"))","unitId":"sz.futian","theme":"alchemy","audience":"seniors","people":3,"preferredTimes":[]}"#
                ),
                ("unknown_theme", "alchemy")
            ),
            (
                Self.record(
                    answer, key: "v-a",
                    #"{"requestId":"h19","volunteerId":"v-a","claimToken":"\#(VolunteerFixtures.claimToken("r-taken"))","offerId":"as-none","accept":true}"#
                ),
                ("offer_closed", "as-none")
            ),
            (
                Self.record(
                    signUp, key: "v-a",
                    #"{"requestId":"h20","volunteerId":"v-a","claimToken":"\#(VolunteerFixtures.claimToken("r-taken"))","eventId":"ev.none"}"#),
                ("role_closed", "ev.none")
            ),
            (
                Self.record(
                    shift, key: "v-a",
                    #"{"requestId":"h21","volunteerId":"v-a","claimToken":"\#(VolunteerFixtures.claimToken("r-taken"))","eventId":"ev.none","checkIn":"2030-03-02T02:00:00Z","checkOut":"2030-03-02T04:00:00Z"}"#
                ),
                ("not_assigned", "ev.none")
            ),
            (Self.record(registered, key: "v-h22", Self.registration("h22", resident: "r-taken")), ("conflict", "resident")),
            (
                Self.record(signUp, key: "v-a", #"{"requestId":"h23","volunteerId":"v-a","claimToken":"guessed","eventId":"ev.none"}"#),
                ("unauthorised", "claim token")
            ),
            (
                Self.record(
                    registered, key: "v-h24", Self.registration("h24") { $0.replacingOccurrences(of: ClaimToken.hash("token"), with: "not-a-hash") }),
                ("invalid", "claimTokenHash")
            ),
            (Self.record(registered, key: "v-x", #"{"requestId":"\#(String(repeating: "q", count: 3000))","volunteerId":"v-x"}"#), nil),
            (Self.record(registered, key: "v-x", "{not json"), nil),
            (Self.record("kepu.volunteer.teleport.v1", key: "v-x", "{}"), nil),
        ]
        // Outreach records volunteer must set aside: keyed otherwise, needing no one, with no site path.
        let base = VolunteerFixtures.event("ev.bad", site: "center.sz.futian", sitePath: ["sz", "sz.futian"])
        func outreach(_ key: String, _ change: (String) -> String) throws -> KafkaProducerMessage {
            let json = String(decoding: try CloudEvent.encodeData(base), as: UTF8.self)
            return Self.record(ActivityEventType.eventRecorded, key: key, change(json), topic: Topics.outreachEvents.name)
        }
        let badOutreach = [
            try outreach("not-its-id") { $0 },
            try outreach("ev.bad") { $0.replacingOccurrences(of: "\"count\":1", with: "\"count\":0") },
            try outreach("ev.bad") { $0.replacingOccurrences(of: #""sitePath":["sz","sz.futian"]"#, with: #""sitePath":[]"#) },
        ]
        let valid = (0..<100).map { Self.record(registered, key: "v-ok\($0)", Self.registration("ok\($0)")) }
        let producer = try KafkaProducer(
            configuration: .producer(bootstrapServers: cluster.bootstrapServers, overrides: ["message.max.bytes": "4000000"]))
        for result in await producer.send(cases.map(\.0) + badOutreach + valid) { _ = try result.get() }
        await producer.shutdown()

        let answered = { rejections(in: events, VolunteerEventType.requestRejected) }
        try await eventually("every answerable request is answered, the valid ones recorded") {
            answered().count >= 24
                && events.all.compactMap { try? CloudEvent(kafkaMessage: $0) }.filter { $0.type == VolunteerEventType.volunteerRecorded }.count >= 101
        }
        expectAnswered(cases, answered())
        #expect(events.all.allSatisfy { $0.value.count < 10_000 }, "no answer echoes the oversized input")
        let letters = try await readTopic("kepu.volunteer.dlq.v1", cluster: cluster, atLeast: 6, quiet: .milliseconds(500))
            .compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(
            letters.filter { $0.sourceTopic == Topics.volunteerRequests.name }.map(\.errorCode).sorted() == [
                "invalid_payload", "invalid_payload", "unknown_type",
            ])
        #expect(letters.filter { $0.sourceTopic == Topics.outreachEvents.name }.count == 3, "\(letters.map(\.error))")
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM activity_event") == 0)

        // HTTP: each refused with a 4xx and the reason, nothing written.
        let long = String(repeating: "x", count: 129)
        let provider = try await VolunteerServiceTests.token(.provider, scope: "lecturer.li")
        await expectRefused(
            [
                RefusedCall("PUT", "/admin/volunteers/v-b", "{", 400),
                RefusedCall(
                    "PUT", "/admin/volunteers/v-b", VolunteerFixtures.profile("r-b").replacingOccurrences(of: ":40}", with: ":40,\"x\":1}"), 400),
                RefusedCall("PUT", "/admin/volunteers/\(long)", VolunteerFixtures.profile("r-b"), 400),
                RefusedCall("GET", "/admin/events/ev.none/candidates?limit=0", "", 400),
                RefusedCall("POST", "/admin/hours/verify", #"{"entries":[]}"#, 400),
                RefusedCall("GET", "/admin/volunteers/v-a", "", token: "none", 401),
                RefusedCall("GET", "/admin/volunteers/v-a", "", token: provider, 403),
                RefusedCall("PUT", "/admin/teams/team.x", #"{"name":"\#(String(repeating: "队", count: 400_000))","unitId":"sz"}"#, 413),
                RefusedCall("GET", "/needs?unit=\(long)", "", 400),
            ], port: volunteer.httpPort)
        #expect(await volunteer.admin("GET", "/admin/volunteers/v-b")?.status == 404)
        #expect(await volunteer.get("/health/ready")?.status == 200)
        await events.stop()
        _ = await volunteer.terminate()
    }
}
