import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import Testing

/// `kepu demo`, the real executable, against real outreach-events, booking and volunteer: it forms the demo's
/// teams, registers its volunteers and a site head, and the demo's campaign events' volunteer needs are offered to
/// them; the needs surveys and answers it sends are taken.
@Suite("kepu demo registers volunteers and fills needs", .serialized, .startsServiceProcesses)
struct DemoVolunteersTests {
    @Test("the demo's corps is offered the campaign events' places; its surveys and answers are taken")
    func demo() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let outreach = try ServiceProcess("outreach-events", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        let booking = try ServiceProcess("booking", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        let volunteer = try ServiceProcess("volunteer", database: try await TestPostgres.freshDatabase(), bootstrap: cluster.bootstrapServers)
        for service in [outreach, booking, volunteer] { try await service.waitUntilReady() }
        let events = try TopicCollector(topic: Topics.volunteerEvents.name, bootstrap: cluster.bootstrapServers)
        let run = try await runTool(
            "kepu",
            [
                "demo", "--rate", "100", "--duration", "15", "--booking-port", String(booking.httpPort), "--outreach-port", String(outreach.httpPort),
                "--volunteer-port", String(volunteer.httpPort), "--admin-token", ServiceProcess.adminToken,
            ],
            environment: ["KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers])
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(run.output.contains("volunteers: 2 teams, 12 volunteers"), "\(run.output.suffix(2000))")

        #expect((await volunteer.get("/teams"))?.body.contains("team.demo.longgang") == true)
        #expect((await volunteer.get("/site-heads"))?.body.contains(#""sitesWithHead":1"#) == true)
        // Each campaign event needs two volunteers: offered (and some answered) to the demo's corps.
        for day in 1...3 {
            try await eventually("campaign event \(day)'s places are offered") {
                let body = await volunteer.get("/events/demo.ev.campaign.\(day)/staffing")?.body ?? ""
                return body.contains(#""needed":2"#) && body.contains(#""short":0"#)
            }
        }
        let published = events.all.compactMap { try? CloudEvent(kafkaMessage: $0) }
        #expect(published.contains { $0.type == VolunteerEventType.needsAggregated }, "the demo's needs surveys are aggregated")
        // An answer may reach an offer another answer closed a moment before (the demo picks open offers as it goes).
        let rejected = published.filter { $0.type == VolunteerEventType.requestRejected }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.data))) as? [String: Any]
        }
        #expect(rejected.allSatisfy { $0["reason"] as? String == "offer_closed" }, "\(rejected)")
        await events.stop()
        for service in [outreach, booking, volunteer] { _ = await service.terminate() }
    }
}
