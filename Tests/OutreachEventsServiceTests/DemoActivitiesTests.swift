import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import Testing

/// `kepu demo`, the real executable, against real outreach-events and booking: it seeds the menu, takes an order
/// to an accepted event that booking opens, publishes campaign events, and sends sites' orders and residents'
/// ratings as frontends do.
@Suite("kepu demo drives the menu, orders and events", .serialized, .startsServiceProcesses)
struct DemoActivitiesTests {
    @Test("the demo's order becomes a bookable event, its campaign events are published, its ratings and orders are taken")
    func demo() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let outreach = try ServiceProcess("outreach-events", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        let booking = try ServiceProcess("booking", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        for service in [outreach, booking] { try await service.waitUntilReady() }
        let run = try await runTool(
            "kepu",
            [
                "demo", "--rate", "100", "--duration", "10", "--booking-port", String(booking.httpPort), "--outreach-port", String(outreach.httpPort),
                "--admin-token", ServiceProcess.adminToken,
            ],
            environment: ["KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers])
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(run.output.contains("order demo.order.1: accepted"), "\(run.output.suffix(2000))")

        let order = await outreach.admin("GET", "/admin/orders/demo.order.1")
        let orderJSON = (try? JSONSerialization.jsonObject(with: Data((order?.body ?? "").utf8))) as? [String: Any] ?? [:]
        #expect(orderJSON["status"] as? String == "accepted", "\(order?.body ?? "")")
        let event = try #require(orderJSON["eventId"] as? String)
        try await eventually("booking opens the ordered event's session") { await booking.get("/sessions/\(event)")?.status == 200 }
        for day in 1...3 {
            try await eventually("campaign event \(day) is bookable") { await booking.get("/sessions/demo.ev.campaign.\(day)")?.status == 200 }
        }
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect((await outreach.get("/campaigns/science-day-\(year)/events")?.body ?? "").contains("demo.ev.campaign.2"))
        try await eventually("residents' ratings of the held event are counted") {
            (await outreach.get("/events/demo.ev.held")?.body ?? "").contains(#""ratings":"#)
        }
        let placed = try await readTopic(Topics.outreachEvents.name, cluster: cluster, atLeast: 1, quiet: .milliseconds(500)).compactMap {
            try? CloudEvent(kafkaMessage: $0)
        }.filter { $0.type == ActivityEventType.orderChanged && String(decoding: $0.data, as: UTF8.self).contains(#""actorRole":"frontend""#) }
        #expect(!placed.isEmpty, "the demo's orders over Kafka were placed")
        let dead = try await readTopic("kepu.outreach-events.dlq.v1", cluster: cluster, atLeast: 0, quiet: .milliseconds(300), timeout: .seconds(3))
        #expect(dead.isEmpty, "the demo's requests are all valid")
        for service in [outreach, booking] { #expect(await service.terminate() == 0) }
    }
}
