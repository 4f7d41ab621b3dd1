import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import Testing

/// `kepu demo`, the real executable, against real outreach-events, booking and content-supply: it puts books and
/// works on the catalogue, registers officers, takes a donation through plan, approval, shipping and the center's
/// receipt, and the engagement it sends is folded.
@Suite("kepu demo supplies books and engages with works", .serialized, .startsServiceProcesses)
struct DemoContentTests {
    @Test("the demo's donation reaches a site's stock; its engagement is folded and its officers score")
    func demo() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let outreach = try ServiceProcess("outreach-events", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        let booking = try ServiceProcess("booking", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        let contentDatabase = try await TestPostgres.freshDatabase()
        let content = try ServiceProcess(
            "content-supply", database: contentDatabase, bootstrap: cluster.bootstrapServers, extra: ["KEPU_CONTENT_ROLLUP_SECONDS": "1"])
        for service in [outreach, booking, content] { try await service.waitUntilReady() }
        let run = try await runTool(
            "kepu",
            [
                "demo", "--rate", "100", "--duration", "15", "--booking-port", String(booking.httpPort), "--outreach-port", String(outreach.httpPort),
                "--volunteer-port", "1", "--content-port", String(content.httpPort), "--admin-token", ServiceProcess.adminToken,
            ],
            environment: ["KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers])
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(run.output.contains("content: 3 books, 4 works, 2 officers; donation lot.demo.futian.1"), "\(run.output.suffix(2000))")

        let lot = await content.admin("GET", "/admin/lots/lot.demo.futian.1")
        #expect(lot?.body.contains(#""status":"shipped""#) == true, "\(lot?.body.prefix(500) ?? "")")
        let discrepancies =
            ((try? JSONSerialization.jsonObject(with: Data((lot?.body ?? "").utf8))) as? [String: Any])?["discrepancies"] as? [[String: Any]]
        let damaged = try #require(discrepancies?.first { $0["kind"] as? String == "damage" }, "the damaged copy is recorded")
        let site = try #require(damaged["siteId"] as? String)
        let stock = await content.get("/sites/\(site)/stock")
        #expect(stock?.body.contains("9787535732217") == true && stock?.body.contains("9787536692930") == true, "\(stock?.body ?? "")")
        // About 1 in 5 of 1,500 messages is engagement: hundreds folded, and officers earn points from shared views.
        try await eventually("the demo's engagement is folded") {
            try await TestPostgres.count(contentDatabase, "SELECT COALESCE(sum(views + completions + shares), 0)::int FROM engagement_day") >= 200
        }
        try await eventually("an officer scored") {
            try await TestPostgres.count(contentDatabase, "SELECT COALESCE(max(points), 0)::int FROM officer") > 0
        }
        for service in [outreach, booking, content] { _ = await service.terminate() }
    }
}
