import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import Testing

@testable import ContentSupplyService

@Suite("Distinct visitors and the engagement rules (pure)")
struct EngagementRuleTests {
    @Test("the sketch's estimate is within three standard errors from 1 to 200,000 visitors, sparse and dense, and survives storage")
    func sketchError() {
        var sketch = VisitorSketch()
        var checked = 0
        for count in 1...200_000 {
            sketch.insert(hash: VisitorSketch.hash(visitorHash: ContentFixtures.visitor(count)) ?? 0)
            if [1, 10, 100, 1_000, 2_000, 3_000, 10_000, 40_000, 45_000, 50_000, 60_000, 100_000, 200_000].contains(count) {
                let error = abs(Double(sketch.estimate - Int64(count))) / Double(count)
                #expect(error <= 3 * VisitorSketch.standardError, "\(count) visitors estimated \(sketch.estimate)")
                #expect(VisitorSketch(bytes: sketch.bytes) == sketch, "stored and read back at \(count)")
                checked += 1
            }
        }
        #expect(checked == 13)
        #expect(sketch.bytes.count == VisitorSketch.registerCount + 1, "dense past the sparse limit")
        var small = VisitorSketch()
        for visitor in 0..<100 { small.insert(hash: VisitorSketch.hash(visitorHash: ContentFixtures.visitor(visitor)) ?? 0) }
        #expect(small.bytes.count <= 1 + 3 * 100, "100 visitors take at most 301 bytes (3 per register they set)")
    }

    @Test("merging is order-free and adding a visitor twice changes nothing")
    func merging() {
        var first = VisitorSketch()
        var second = VisitorSketch()
        var both = VisitorSketch()
        for visitor in 0..<5_000 {
            let hash = VisitorSketch.hash(visitorHash: ContentFixtures.visitor(visitor)) ?? 0
            if visitor % 2 == 0 { first.insert(hash: hash) } else { second.insert(hash: hash) }
            both.insert(hash: hash)
        }
        var merged = second
        merged.merge(first)
        #expect(merged.estimate == both.estimate)
        let again = both.insert(hash: VisitorSketch.hash(visitorHash: ContentFixtures.visitor(7)) ?? 0)
        #expect(!again)
    }

    @Test("visitors added in batches or one by one make the same sketch; stored registers in any order read back at their highest rank")
    func batchesAndStorage() {
        let hashes = (0..<3_000).map { VisitorSketch.hash(visitorHash: ContentFixtures.visitor($0)) ?? 0 }
        var one = VisitorSketch()
        for hash in hashes { one.insert(hash: hash) }
        var batched = VisitorSketch()
        let grewFirst = batched.insert(hashes: hashes[..<1_000])
        #expect(grewFirst && batched.bytes.count < 1 + 3 * 1_000, "sparse after 1,000")
        let grewThen = batched.insert(hashes: hashes[1_000...])
        #expect(grewThen && batched == one, "dense after 3,000 either way")
        let grewAgain = batched.insert(hashes: hashes[..<10])
        #expect(!grewAgain, "the same visitors again change nothing")
        // Register 5 twice (ranks 3 and 7), then register 2: read back in order, register 5 at rank 7.
        #expect(VisitorSketch(bytes: [0, 0, 5, 3, 0, 2, 4, 0, 5, 7]).bytes == [0, 0, 2, 4, 0, 5, 7])
        var sparse = VisitorSketch()
        sparse.insert(hashes: hashes[..<100])
        var dense = VisitorSketch()
        dense.insert(hashes: hashes[50...])
        var merged = sparse
        merged.merge(dense)
        #expect(merged == one, "a sparse sketch merged with a dense one")
        dense.merge(sparse)
        #expect(dense == one)
    }

    @Test("a visitor past the rate is counted and flagged; a retried batch is not counted twice; a new minute starts afresh")
    func rate() {
        let rate = VisitorRate(perMinute: 3)
        let events = (0..<5).map { VisitorRate.Event(partition: 0, offset: Int64($0), visitor: 42, minute: 100) }
        #expect(rate.flag(events) == [false, false, false, true, true])
        #expect(rate.flag(events) == [true, true, true, true, true], "the same records again: still five, not ten")
        #expect(rate.flag([VisitorRate.Event(partition: 0, offset: 5, visitor: 42, minute: 101)]) == [false])
        #expect(rate.flag([VisitorRate.Event(partition: 1, offset: 0, visitor: 7, minute: 100)]) == [false], "another visitor")
    }

    @Test("the fold: actions counted, flagged events in the counts but not in reach or points, points only for views through a share")
    func fold() throws {
        let now = Date()
        func engaged(_ action: EngagementAction, officer: String? = nil) -> WorkEngaged {
            WorkEngaged(workId: "w", siteId: "s", visitorHash: ContentFixtures.visitor(1), action: action, officerId: officer, occurredAt: now)
        }
        var fold = EngagementFold()
        fold.fold(engaged(.view, officer: "o"), visitor: 1, flagged: false)
        fold.fold(engaged(.view, officer: "o"), visitor: 2, flagged: true)
        fold.fold(engaged(.completion), visitor: 1, flagged: false)
        fold.fold(engaged(.share), visitor: 3, flagged: false)
        let delta = try #require(fold.deltas[WorkSiteDay(workId: "w", siteId: "s", day: ShanghaiDay(now))])
        #expect((delta.views, delta.completions, delta.shares, delta.flagged) == (2, 1, 1, 1))
        #expect(delta.visitors == [1, 1, 3])
        #expect(fold.points == ["o": 1])
    }
}

/// content-supply as a process folding a stream of engagement: killed (SIGKILL) while it folds, restarted, sent
/// resends; every count comes out exact, reach within its error, a flood flagged, officers' points and ranks right,
/// and roll-ups published.
@Suite("Engagement folded exactly once (real executable)", .serialized, .startsServiceProcesses)
struct EngagementFoldTests {
    static let visitors = 20_000

    @Test("27,500 events with a kill -9 mid-stream and 500 resends: exact counts, reach within 3σ, a flood of 100 flagged 70, points 1,030")
    func killedMidStream() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let database = try await TestPostgres.freshDatabase()
        let environment = ["KEPU_CONTENT_VISITOR_EVENTS_PER_MINUTE": "30", "KEPU_CONTENT_ROLLUP_SECONDS": "1"]
        var service = try ServiceProcess("content-supply", database: database, bootstrap: cluster.bootstrapServers, replica: "a", extra: environment)
        try await service.waitUntilReady()
        let events = try TopicCollector(topic: Topics.contentEvents.name, bootstrap: cluster.bootstrapServers)
        try await publish(try ContentFixtures.registry(), to: cluster)
        try await eventually("content-supply follows the registry") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM site") == ContentFixtures.sites.count
        }
        try await publish(
            [
                ContentFixtures.request(
                    ContentRequestType.officerRegistered, key: "st.a", #"{"requestId":"o1","officerId":"officer.chen","siteId":"st.a","name":"陈信息"}"#),
                ContentFixtures.request(
                    ContentRequestType.officerRegistered, key: "st.n", #"{"requestId":"o2","officerId":"officer.li","siteId":"st.n","name":"李信息"}"#),
            ], to: cluster)
        try await eventually("two officers") { try await TestPostgres.count(database, "SELECT count(*)::int FROM officer") == 2 }

        let at = Date()
        var stream: [KafkaProducerMessage] = []
        for visitor in 0..<Self.visitors {
            stream.append(ContentFixtures.engagement(work: "w1", site: "st.a", visitor: visitor, at: at, id: "view-\(visitor)"))
        }
        for visitor in 0..<5_000 {
            // The first thousand came back through officer.chen's share link.
            stream.append(
                ContentFixtures.engagement(
                    work: "w1", site: "st.a", visitor: visitor, officer: visitor < 1_000 ? "officer.chen" : nil, at: at, id: "again-\(visitor)"))
        }
        for visitor in 0..<2_000 {
            stream.append(ContentFixtures.engagement(work: "w1", site: "st.a", visitor: visitor, action: .completion, at: at, id: "done-\(visitor)"))
        }
        for visitor in 0..<500 {
            stream.append(ContentFixtures.engagement(work: "w1", site: "st.a", visitor: visitor, action: .share, at: at, id: "share-\(visitor)"))
        }
        let records = stream
        let sending = Task { try await publish(records, to: cluster) }
        try await eventually("folding under way", timeout: .seconds(120)) {
            try await TestPostgres.count(database, "SELECT COALESCE(sum(views), 0)::int FROM engagement_day") > 0
        }
        await service.kill()
        let atKill = try await TestPostgres.count(database, "SELECT COALESCE(sum(views + completions + shares), 0)::int FROM engagement_day")
        #expect(atKill < stream.count, "killed with events still to fold (\(atKill) folded)")
        try await sending.value
        service = try ServiceProcess("content-supply", database: database, bootstrap: cluster.bootstrapServers, replica: "b", extra: environment)
        try await service.waitUntilReady()
        // The producer sends 500 events again (the same ids, later offsets), and one visitor floods.
        try await publish(
            (0..<500).map { ContentFixtures.engagement(work: "w1", site: "st.a", visitor: $0, at: at, id: "view-\($0)") }
                + (0..<100).map { _ in ContentFixtures.engagement(work: "w1", site: "st.a", visitor: 999_999, officer: "officer.chen", at: at) },
            to: cluster)

        let views = Self.visitors + 5_000 + 100
        try await eventually("every event folded", timeout: .seconds(180)) {
            let folded = try await TestPostgres.count(database, "SELECT COALESCE(sum(views), 0)::int FROM engagement_day")
            let flagged = try await TestPostgres.count(database, "SELECT COALESCE(sum(flagged), 0)::int FROM engagement_day")
            return folded >= views && flagged >= 70
        }
        try await Task.sleep(for: .seconds(2))
        #expect(try await TestPostgres.count(database, "SELECT views::int FROM engagement_day") == views, "views exactly once")
        #expect(try await TestPostgres.count(database, "SELECT completions::int FROM engagement_day") == 2_000)
        #expect(try await TestPostgres.count(database, "SELECT shares::int FROM engagement_day") == 500)
        #expect(try await TestPostgres.count(database, "SELECT flagged::int FROM engagement_day") == 70, "the flood's 70 past 30 a minute")
        let reach = try await TestPostgres.count(database, "SELECT distinct_visitors::int FROM engagement_day")
        let exact = Self.visitors + 1
        #expect(
            abs(Double(reach - exact)) / Double(exact) <= 3 * VisitorSketch.standardError,
            "reach \(reach) of \(exact) within 3σ (\(VisitorSketch.standardError))")
        #expect(try await TestPostgres.count(database, "SELECT points::int FROM officer WHERE id = 'officer.chen'") == 1_030)

        // Published: the roll-up as folded, and the officers' scores with their ranks; no visitor hash anywhere.
        try await eventually("a roll-up with every view") {
            Self.records(events, ContentEventType.engagementRolledUp).contains { ($0["views"] as? Int) == views }
        }
        try await eventually("officer.chen scored 1,030, first in the city") {
            Self.records(events, ContentEventType.officerScored).contains {
                $0["officerId"] as? String == "officer.chen" && $0["points"] as? Int == 1_030 && $0["cityRank"] as? Int == 1
                    && $0["districtRank"] as? Int == 1
            }
        }
        #expect(!events.all.contains { String(decoding: $0.value, as: UTF8.self).contains(ContentFixtures.visitor(1)) })
        let rankings = await service.get("/officers/rankings?district=sz.futian")
        #expect(rankings?.status == 200)
        #expect(rankings?.body.contains(#""officerId":"officer.chen""#) == true && rankings?.body.contains("officer.li") == false)
        #expect(rankings?.body.contains("陈信息") == false, "no names in public rankings")
        let engagement = await service.get("/works/w1/engagement?siteId=st.a")
        #expect(engagement?.body.contains(#""views":\#(views)"#) == true, "\(engagement?.body ?? "")")
        #expect(await service.terminate() == 0)
        await events.stop()
        cluster.stop()
    }

    static func records(_ collector: TopicCollector, _ type: String) -> [[String: Any]] {
        collector.all.compactMap { record -> [String: Any]? in
            guard let event = try? CloudEvent(kafkaMessage: record), event.type == type else { return nil }
            return (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any]
        }
    }
}

@Suite("Engagement records read on the plain path (pure)")
struct PlainEngagementReadingTests {
    static let now = RFC3339.format(Date())
    static let hash = ContentFixtures.visitor(3)
    static let plain = #"{"workId":"w1","siteId":"st.a","visitorHash":"\#(hash)","action":"view","officerId":"o1","occurredAt":"\#(now)"}"#

    @Test("what the plain path reads, the general decoder reads the same; everything else it leaves to the general decoder")
    func sameAsGeneral() throws {
        let (plain, hash, now) = (Self.plain, Self.hash, Self.now)
        let valid = [
            plain, #" { "siteId" : "st.a", "workId":"w1","visitorHash":"\#(hash)","action":"share","occurredAt":"\#(now)" } "#,
            #"{"workId":"作品","siteId":"站","visitorHash":"\#(hash)","action":"completion","occurredAt":"\#(now)"}"#,
        ]
        for json in valid {
            let fast = try #require(WorkEngaged.readPlain(Array(json.utf8)), "\(json)")
            #expect(fast == (try CloudEvent.decodePayload(WorkEngaged.self, from: Array(json.utf8))))
        }
        let leftToGeneral = [
            plain.replacingOccurrences(of: "w1", with: #"w\u0031"#), plain.replacingOccurrences(of: #""o1""#, with: "null"),
            plain.replacingOccurrences(of: #""officerId""#, with: #""nickname""#),
            plain.replacingOccurrences(of: #""siteId":"st.a""#, with: #""siteId":"st.a","siteId":"st.b""#),
            plain.replacingOccurrences(of: #""action":"view""#, with: #""action":"like""#), plain.replacingOccurrences(of: "view", with: "share"),
            plain.replacingOccurrences(of: #","action":"view""#, with: ""), plain + "x", String(plain.dropLast()), "[]", "",
            plain.replacingOccurrences(of: "\(hash)", with: "13800000000"), plain.replacingOccurrences(of: now, with: "2020-01-01T00:00:00Z"),
        ]
        for json in leftToGeneral { #expect(WorkEngaged.readPlain(Array(json.utf8)) == nil, "\(json)") }
        var invalidUTF8 = Array(plain.utf8)
        invalidUTF8[invalidUTF8.firstIndex(of: UInt8(ascii: "w")).map { $0 + 1 } ?? 0] = 0xFF
        #expect(WorkEngaged.readPlain(invalidUTF8) == nil, "bytes that are not UTF-8")
    }
}
