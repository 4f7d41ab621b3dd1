import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import KepuTooling
import Testing

/// Records and calls built to stall, flood or mislead content-supply, each followed by valid traffic: a request is
/// answered with its reason or dead-lettered with where it came from, a bad engagement record is dead-lettered, a
/// bad HTTP call gets a 4xx with the reason, and what comes after is still taken.
@Suite("content-supply against hostile input (real executable)", .serialized, .startsServiceProcesses)
struct ContentHostileInputTests {
    static func officer(_ id: String, site: String = "st.a", _ change: (String) -> String = { $0 }) -> String {
        change(#"{"requestId":"\#(id)","officerId":"o-\#(id)","siteId":"\#(site)","name":"信息员"}"#)
    }

    static func reading(_ id: String, _ books: String, readers: Int = 10, event: String = "ev.read") -> String {
        #"{"requestId":"\#(id)","eventId":"\#(event)","siteId":"st.a","books":\#(books),"readers":\#(readers)}"#
    }

    static func engaged(_ key: String, _ json: String, type: String = ContentEngagementType.workEngaged) -> KafkaProducerMessage {
        CloudEvent(source: "/frontend/hostile", type: type, data: Array(json.utf8)).kafkaMessage(topic: Topics.contentEngagement.name, key: key)
    }

    @Test(
        "12 kinds of bad requests answered, 3 dead-lettered, 6 bad engagement records dead-lettered, 13 bad HTTP calls refused; valid traffic taken")
    func hostile() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let database = try await TestPostgres.freshDatabase()
        let service = try ServiceProcess("content-supply", database: database, bootstrap: cluster.bootstrapServers)
        try await service.waitUntilReady()
        let events = try TopicCollector(topic: Topics.contentEvents.name, bootstrap: cluster.bootstrapServers)
        try await publish(try ContentFixtures.registry(), to: cluster)
        try await eventually("content-supply follows the registry") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM site") == ContentFixtures.sites.count
        }
        #expect(await service.admin("PUT", "/admin/books/\(ContentFixtures.isbn)", json: ContentFixtures.book)?.status == 200)

        let registered = ContentRequestType.officerRegistered
        let reported = ContentRequestType.readingReported
        let isbn = ContentFixtures.isbn
        // (record, the start of its answer's reason and words it contains; nil: dead-lettered)
        let cases: [(KafkaProducerMessage, expect: (String, String)?)] = [
            (
                ContentFixtures.request(registered, key: "st.a", Self.officer("h1") { $0.replacingOccurrences(of: "信息员", with: "信\\u0000") }),
                ("invalid", "name")
            ),
            (
                ContentFixtures.request(
                    registered, key: "st.a", Self.officer("h2") { $0.replacingOccurrences(of: "信息员", with: String(repeating: "名", count: 100)) }),
                ("invalid", "name")
            ),
            (
                ContentFixtures.request(registered, key: "st.a", Self.officer("h3") { $0.replacingOccurrences(of: "}", with: #","nickname":"x"}"#) }),
                ("invalid", "nickname")
            ),
            (
                ContentFixtures.request(
                    registered, key: "st.a", Self.officer("h4") { $0.replacingOccurrences(of: #""officerId":"o-h4","#, with: "") }),
                ("invalid", "officerId")
            ),
            (ContentFixtures.request(registered, key: "st.b", Self.officer("h5")), ("invalid", "Kafka key")),
            (ContentFixtures.request(registered, key: "st.atlantis", Self.officer("h6", site: "st.atlantis")), ("unknown_site", "st.atlantis")),
            (
                ContentFixtures.request(reported, key: "st.a", Self.reading("h7", #"[{"isbn":"9787535732218","copies":1}]"#)),
                ("invalid", "books[0].isbn")
            ),
            (
                ContentFixtures.request(reported, key: "st.a", Self.reading("h8", #"[{"isbn":"\#(isbn)","copies":1}]"#, readers: -1)),
                ("invalid", "readers")
            ),
            (ContentFixtures.request(reported, key: "st.a", Self.reading("h9", "[]")), ("invalid", "books.count")),
            (
                ContentFixtures.request(
                    reported, key: "st.a", Self.reading("h10", #"[{"isbn":"\#(isbn)","copies":1},{"isbn":"978-7-5357-3221-7","copies":1}]"#)),
                ("invalid", "twice")
            ),
            (
                ContentFixtures.request(reported, key: "st.a", Self.reading("h11", #"[{"isbn":"\#(isbn)","copies":1}]"#, event: "ev.none")),
                ("unknown_event", "ev.none")
            ),
            (ContentFixtures.request(reported, key: "st.a", Self.reading("h12", #"[{"isbn":"\#(isbn)","copies":0}]"#)), ("invalid", "copies")),
            (ContentFixtures.request(registered, key: "st.a", #"{"requestId":"\#(String(repeating: "q", count: 3000))","siteId":"st.a"}"#), nil),
            (ContentFixtures.request(registered, key: "st.a", "{not json"), nil),
            (ContentFixtures.request("kepu.content.teleport.v1", key: "st.a", "{}"), nil),
        ]
        let now = RFC3339.format(Date())
        let hash = ContentFixtures.visitor(1)
        let badEngagement = [
            Self.engaged("13800000000", #"{"workId":"w","siteId":"st.a","visitorHash":"13800000000","action":"view","occurredAt":"\#(now)"}"#),
            Self.engaged("someone-else", #"{"workId":"w","siteId":"st.a","visitorHash":"\#(hash)","action":"view","occurredAt":"\#(now)"}"#),
            Self.engaged(hash, #"{"workId":"w","siteId":"st.a","visitorHash":"\#(hash)","action":"like","occurredAt":"\#(now)"}"#),
            Self.engaged(hash, #"{"workId":"w","siteId":"st.a","visitorHash":"\#(hash)","action":"view","occurredAt":"2020-01-01T00:00:00Z"}"#),
            Self.engaged(hash, #"{"workId":"w","siteId":"st.a","visitorHash":"\#(hash)","action":"share","officerId":"o","occurredAt":"\#(now)"}"#),
            Self.engaged(hash, #"{"workId":"w","workId":"w2","siteId":"st.a","visitorHash":"\#(hash)","action":"view","occurredAt":"\#(now)"}"#),
        ]
        let validOfficers = (0..<50).map { ContentFixtures.request(registered, key: "st.b", Self.officer("ok\($0)", site: "st.b")) }
        let validEngagement = (0..<200).map { ContentFixtures.engagement(work: "w.ok", site: "st.a", visitor: $0) }
        let producer = try KafkaProducer(
            configuration: .producer(bootstrapServers: cluster.bootstrapServers, overrides: ["message.max.bytes": "4000000"]))
        for result in await producer.send(cases.map(\.0) + badEngagement + validOfficers + validEngagement) { _ = try result.get() }
        await producer.shutdown()

        let answered = { rejections(in: events, ContentEventType.requestRejected) }
        try await eventually("every answerable request answered, the valid traffic taken") {
            let officers = try await TestPostgres.count(database, "SELECT count(*)::int FROM officer")
            let views = try await TestPostgres.count(database, "SELECT COALESCE(sum(views), 0)::int FROM engagement_day")
            return answered().count >= 12 && officers == 50 && views == 200
        }
        expectAnswered(cases, answered())
        #expect(events.all.allSatisfy { $0.value.count < 10_000 }, "no answer echoes the oversized input")
        let letters = try await readTopic("kepu.content-supply.dlq.v1", cluster: cluster, atLeast: 9, quiet: .milliseconds(500))
            .compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(
            letters.filter { $0.sourceTopic == Topics.contentRequests.name }.map(\.errorCode).sorted() == [
                "invalid_payload", "invalid_payload", "unknown_type",
            ])
        #expect(letters.filter { $0.sourceTopic == Topics.contentEngagement.name }.count == 6, "\(letters.map(\.error))")
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM engagement_day WHERE work_id = 'w'") == 0)

        // HTTP: each refused with a 4xx and the reason, nothing written.
        let long = String(repeating: "x", count: 129)
        let otherSite = try await LotsTests.token(.siteOperator, scope: "st.b")
        let lot = { (titles: String, district: String) in #"{"districtId":"\#(district)","donor":"捐赠方","titles":\#(titles),"minimumPerSite":1}"# }
        await expectRefused(
            [
                RefusedCall("PUT", "/admin/lots/l1", lot(#"[{"isbn":"9787535732218","copies":5}]"#, "sz.futian"), 400),
                RefusedCall("PUT", "/admin/lots/l1", lot(#"[{"isbn":"\#(isbn)","copies":0}]"#, "sz.futian"), 400),
                RefusedCall("PUT", "/admin/lots/l1", lot(#"[{"isbn":"\#(isbn)","copies":5}]"#, "sz.atlantis"), 422),
                RefusedCall("PUT", "/admin/lots/l1", lot(#"[{"isbn":"\#(ContentFixtures.isbn2)","copies":5}]"#, "sz.futian"), 422),
                RefusedCall("PUT", "/admin/lots/\(long)", lot(#"[{"isbn":"\#(isbn)","copies":5}]"#, "sz.futian"), 400),
                RefusedCall("POST", "/admin/lots/l1/receipts", #"{"siteId":"st.a","titles":[{"isbn":"\#(isbn)","received":1,"damaged":2}]}"#, 400),
                RefusedCall("POST", "/admin/sites/st.a/loans", #"{"loanId":"x","isbn":"12345","borrower":"读者"}"#, 400),
                RefusedCall("POST", "/admin/sites/st.a/loans", #"{"loanId":"x","isbn":"\#(isbn)","borrower":"读者"}"#, 409),
                RefusedCall("GET", "/works/w.ok/engagement?from=2026-13-01", "", 400),
                RefusedCall("GET", "/works/w.ok/engagement?from=2020-01-01&until=2026-01-01", "", 400),
                RefusedCall("GET", "/admin/sites/st.a/officers", "", token: "none", 401),
                RefusedCall("GET", "/admin/sites/st.a/officers", "", token: otherSite, 403),
                RefusedCall("GET", "/admin/sites/st.a/loans?overdue=maybe", "", 400),
            ], port: service.httpPort)
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM lot") == 0)
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM loan") == 0)
        #expect(await service.get("/health/ready")?.status == 200)
        await events.stop()
        _ = await service.terminate()
        cluster.stop()
    }
}
