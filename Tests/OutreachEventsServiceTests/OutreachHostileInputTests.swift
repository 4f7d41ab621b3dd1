import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import KepuTooling
import Testing

/// Records built to stall, flood or mislead outreach-events' requests topic and booking's follower of its events,
/// each followed by valid traffic: every one is answered or dead-lettered with where it came from, and what comes
/// after is still taken.
@Suite("outreach-events and booking against hostile activity records", .serialized, .startsServiceProcesses)
struct OutreachHostileInputTests {
    static let registry = """
        type,id,parent,name,population,estimated,address,status,since,until,pilot_since
        city,sz,,深圳市,17560061,,,,,,
        district,sz.futian,sz,福田区,1553225,,,,,,
        center,center.sz.futian,sz.futian,福田区新时代文明实践中心,,,,,,,
        """

    static func record(_ topic: String, _ type: String, key: String, _ json: String) -> KafkaProducerMessage {
        CloudEvent(source: "/frontend/hostile", type: type, data: Array(json.utf8)).kafkaMessage(topic: topic, key: key)
    }

    @Test(
        "sixteen kinds of bad requests are answered invalid or dead-lettered, four bad event records reach booking's dead letters, and valid traffic after them is taken"
    )
    func hostileRecords() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let outreach = try ServiceProcess("outreach-events", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        let booking = try ServiceProcess("booking", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        for service in [outreach, booking] { try await service.waitUntilReady() }
        let outreachEvents = try TopicCollector(topic: Topics.outreachEvents.name, bootstrap: cluster.bootstrapServers)
        let imported = await httpRequest(
            port: outreach.httpPort, method: "POST", path: "/admin/network/import",
            headers: ["Authorization": "Bearer \(ServiceProcess.adminToken)", "Content-Type": "text/csv"], body: Self.registry)
        #expect(imported?.status == 200)

        let requests = Topics.outreachRequests.name
        let rating = OutreachRequestType.ratingSubmitted
        let order = OutreachRequestType.orderRequested
        func orderJSON(_ id: String, _ change: (String) -> String = { $0 }) -> String {
            change(
                #"{"requestId":"\#(id)","orderId":"o-\#(id)","siteId":"center.sz.futian","programmeId":"p","from":"2030-04-01","until":"2030-04-30","expectedAudience":30}"#
            )
        }
        // (record, the reason and words of its answer; nil: dead-lettered, without a request id to answer to)
        let cases: [(KafkaProducerMessage, expect: String?)] = [
            (Self.record(requests, rating, key: "e", #"{"requestId":"h1","eventId":"e","residentId":"r\u0000","score":5}"#), "residentId"),
            (Self.record(requests, rating, key: "e", #"{"requestId":"h2","eventId":"e","residentId":"r","score":0}"#), "score"),
            // A number no JSON reader here takes: nothing can be read from it, not even its request id.
            (Self.record(requests, rating, key: "e", #"{"requestId":"h3","eventId":"e","residentId":"r","score":1e309}"#), nil),
            (Self.record(requests, rating, key: "e", #"{"requestId":"h4","eventId":"e","residentId":"r","score":5,"score":1}"#), "duplicate key"),
            (Self.record(requests, rating, key: "e", #"{"requestId":"h5","eventId":"e","residentId":"r","score":5,"stars":5}"#), "stars"),
            (Self.record(requests, rating, key: "e", #"{"requestId":"h6","eventId":"e","residentId":"r"}"#), "score"),
            (Self.record(requests, rating, key: "other", #"{"requestId":"h7","eventId":"e","residentId":"r","score":5}"#), "Kafka key"),
            (
                Self.record(
                    requests, rating, key: "e",
                    #"{"requestId":"h8","eventId":"e","residentId":"r","score":5,"comment":"\#(String(repeating: "评", count: 200_000))"}"#), "comment"
            ),
            (Self.record(requests, order, key: "o-h9", orderJSON("h9") { $0.replacingOccurrences(of: "2030-04-30", with: "2030-02-30") }), "until"),
            (Self.record(requests, order, key: "o-h10", orderJSON("h10") { $0.replacingOccurrences(of: "2030-04-30", with: "2030-03-01") }), "until"),
            (Self.record(requests, order, key: "o-h11", orderJSON("h11") { $0.replacingOccurrences(of: ":30}", with: ":-3}") }), "expectedAudience"),
            (Self.record(requests, order, key: "o-h12", orderJSON("h12") { $0.replacingOccurrences(of: "\"p\"", with: "7") }), "programmeId"),
            (
                Self.record(
                    requests, order, key: "o-h13",
                    orderJSON("h13") { $0.replacingOccurrences(of: "center.sz.futian", with: String(repeating: "s", count: 300)) }), "siteId"
            ),
            (Self.record(requests, rating, key: "e", #"{"requestId":"\#(String(repeating: "q", count: 3000))","eventId":"e","score":5}"#), nil),
            (Self.record(requests, rating, key: "e", "{not json"), nil),
            (Self.record(requests, "kepu.outreach.teleport.v1", key: "e", "{}"), nil),
        ]
        let valid = (0..<200).map { index in
            Self.record(
                requests, order, key: "o-valid-\(index)",
                orderJSON("valid-\(index)").replacingOccurrences(of: "o-valid-\(index)", with: "o-valid-\(index)"))
        }
        // Event records booking must refuse (and set aside), then one it must take.
        let start = Date().addingTimeInterval(86_400)
        func eventJSON(_ id: String, _ change: (String) -> String = { $0 }) -> String {
            change(
                #"{"eventId":"\#(id)","status":"published","title":"t","siteId":"center.sz.futian","siteKind":"center","sitePath":["sz","sz.futian"],"theme":"health","format":"lecture","campaigns":[],"startsAt":"\#(start.formatted(.iso8601))","endsAt":"\#(start.addingTimeInterval(3600).formatted(.iso8601))","seats":{"capacity":10}}"#
            )
        }
        let recorded = ActivityEventType.eventRecorded
        let events = Topics.outreachEvents.name
        let badEvents = [
            Self.record(events, recorded, key: "not-its-id", eventJSON("bad-1")),
            Self.record(
                events, recorded, key: "bad-2", eventJSON("bad-2") { $0.replacingOccurrences(of: #""capacity":10"#, with: #""capacity":0"#) }),
            Self.record(
                events, recorded, key: "bad-3",
                eventJSON("bad-3") { $0.replacingOccurrences(of: #""sitePath":["sz","sz.futian"]"#, with: #""sitePath":[]"#) }),
            Self.record(
                events, recorded, key: "bad-4", eventJSON("bad-4") { $0.replacingOccurrences(of: "\"title\":\"t\"", with: "\"title\":\"t\\u0000\"") }),
        ]
        let producer = try KafkaProducer(
            configuration: .producer(bootstrapServers: cluster.bootstrapServers, overrides: ["message.max.bytes": "4000000"]))
        for result in await producer.send(cases.map(\.0) + valid + badEvents + [Self.record(events, recorded, key: "good-1", eventJSON("good-1"))]) {
            _ = try result.get()
        }
        await producer.shutdown()

        let answered = { () -> [String: String] in
            var answers: [String: String] = [:]
            for record in outreachEvents.all {
                guard let event = try? CloudEvent(kafkaMessage: record), event.type == ActivityEventType.requestRejected,
                    let json = (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any], let id = json["requestId"] as? String
                else { continue }
                answers[id] = "\(json["reason"] as? String ?? "") \(json["detail"] as? String ?? "")"
            }
            return answers
        }
        // The valid orders name a programme that is not on the menu: each is answered unknown_programme, once.
        try await eventually("every answerable request is answered") { answered().count >= 12 + 200 }
        let answers = answered()
        for (message, expect) in cases {
            guard let expect else { continue }
            let id = ((try? JSONSerialization.jsonObject(with: Data(message.value))) as? [String: Any])?["requestId"] as? String ?? ""
            #expect(answers[id]?.hasPrefix("invalid") == true && answers[id]?.contains(expect) == true, "\(id): \(answers[id] ?? "no answer")")
        }
        #expect((0..<200).allSatisfy { answers["valid-\($0)"]?.hasPrefix("unknown_programme") == true })
        #expect(outreachEvents.all.allSatisfy { $0.value.count < 10_000 }, "no answer echoes the oversized input")
        let outreachLetters = try await readTopic("kepu.outreach-events.dlq.v1", cluster: cluster, atLeast: 3, quiet: .milliseconds(500))
            .compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(
            outreachLetters.map(\.errorCode).sorted() == ["invalid_payload", "invalid_payload", "invalid_payload", "unknown_type"],
            "\(outreachLetters.map(\.error))")
        #expect(outreachLetters.allSatisfy { $0.sourceTopic == requests })

        try await eventually("booking takes the good event after the bad ones") { await booking.get("/sessions/good-1")?.status == 200 }
        let bookingLetters = try await readTopic("kepu.booking.dlq.v1", cluster: cluster, atLeast: 4, quiet: .milliseconds(500))
            .compactMap(DeadLetter.init(deadLetterRecord:)).filter { $0.sourceTopic == events }
        #expect(bookingLetters.count == 4 && bookingLetters.allSatisfy { $0.errorCode == "invalid_payload" }, "\(bookingLetters.map(\.error))")
        for id in ["bad-1", "bad-2", "bad-3", "bad-4"] { #expect(await booking.get("/sessions/\(id)")?.status == 404) }

        await outreachEvents.stop()
        for service in [outreach, booking] { #expect(await service.terminate() == 0) }
    }
}
