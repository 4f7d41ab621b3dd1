import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import KepuTooling
import Testing

/// Hours under redelivery and a crash: held events arrive twice and the service is killed (SIGKILL) while it
/// applies them; after the restart every event's hours are recorded once, and verifying them raises the star level
/// once. The registry and outreach's events are published as outreach-events publishes them.
@Suite("service hours survive redelivery and kill -9 (real executable)", .serialized, .startsServiceProcesses)
struct HoursRedeliveryTests {
    static let units: [NetworkUnitRecord] = [
        NetworkUnitRecord(
            unitId: "sz", level: .city, name: "深圳市", parentId: nil, path: ["sz"], population: nil, populationEstimated: false, pilotSince: nil),
        NetworkUnitRecord(
            unitId: "sz.futian", level: .district, name: "福田区", parentId: "sz", path: ["sz", "sz.futian"], population: nil,
            populationEstimated: false,
            pilotSince: nil),
    ]

    static func outreach(_ record: ActivityEventRecord) throws -> KafkaProducerMessage {
        try CloudEvent(
            source: ServiceName.outreachEvents.eventSource, type: ActivityEventType.eventRecorded, subject: "event/\(record.eventId)", payload: record
        )
        .kafkaMessage(topic: Topics.outreachEvents.name, key: record.eventId)
    }

    @Test("60 held events, each delivered twice, with a kill -9 mid-batch: 60 hours recorded, verified, one star level")
    func killedMidBatch() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let database = try await TestPostgres.freshDatabase()
        var volunteer = try ServiceProcess("volunteer", database: database, bootstrap: cluster.bootstrapServers, replica: "a")
        try await volunteer.waitUntilReady()
        let events = try TopicCollector(topic: Topics.volunteerEvents.name, bootstrap: cluster.bootstrapServers)
        try await publish(
            try Self.units.map {
                try CloudEvent(
                    source: ServiceName.outreachEvents.eventSource, type: NetworkEventType.unitRecorded, subject: "unit/\($0.unitId)", payload: $0
                )
                .kafkaMessage(topic: Topics.networkUnits.name, key: $0.unitId)
            }, to: cluster)
        try await eventually("volunteer follows the registry") {
            await volunteer.admin("PUT", "/admin/teams/team.futian", json: #"{"name":"福田区科技志愿服务分队","unitId":"sz.futian"}"#)?.status == 200
        }
        let profile = VolunteerFixtures.profile("r-kill", home: "sz.futian")
        #expect(await volunteer.admin("PUT", "/admin/volunteers/vol.k", json: profile)?.status == 200)

        // Sixty Saturday events, a week apart, two hours each, one volunteer needed.
        let records = (0..<60).map {
            VolunteerFixtures.event(
                "ev.k\($0)", startsAt: VolunteerFixtures.saturday.addingTimeInterval(Double($0) * 7 * 86_400), site: "center.sz.futian",
                sitePath: ["sz", "sz.futian"])
        }
        try await publish(try records.map(Self.outreach), to: cluster)
        try await eventually("60 offers") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM assignment WHERE status = 'offered'") == 60
        }
        let offers = try await TestPostgres.withClient(database) { client in
            try await client.query("SELECT id FROM assignment ORDER BY id").collect().map { try $0.decode(String.self) }
        }
        try await publish(
            offers.enumerated().map { index, offer in
                CloudEvent(
                    source: "/frontend/tests", type: VolunteerRequestType.offerAnswered,
                    data: Array(
                        #"{"requestId":"acc-\#(index)","volunteerId":"vol.k","claimToken":"\#(VolunteerFixtures.claimToken("r-kill"))","offerId":"\#(offer)","accept":true}"#
                            .utf8)
                ).kafkaMessage(topic: Topics.volunteerRequests.name, key: "vol.k")
            }, to: cluster)
        try await eventually("60 accepted") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM assignment WHERE status = 'accepted'") == 60
        }

        // Each held record twice, in chunks; the service is killed as soon as it has recorded any hours.
        let held = try records.map { record -> KafkaProducerMessage in
            var done = record
            done.status = .held
            return try Self.outreach(done)
        }
        for chunk in stride(from: 0, to: held.count, by: 20) {
            let slice = Array(held[chunk..<min(chunk + 20, held.count)])
            try await publish(slice + slice, to: cluster)
        }
        try await eventually("some hours recorded", timeout: .seconds(30)) {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM service_hours") > 0
        }
        await volunteer.kill()
        let recordedAtKill = try await TestPostgres.count(database, "SELECT count(*)::int FROM service_hours")
        print("volunteer killed with \(recordedAtKill) of 60 events' hours recorded")
        volunteer = try ServiceProcess("volunteer", database: database, bootstrap: cluster.bootstrapServers, replica: "b")
        try await volunteer.waitUntilReady()
        try await eventually("all 60 events' hours recorded after the restart (\(recordedAtKill) at the kill)") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM service_hours WHERE status = 'pending'") == 60
        }
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM assignment WHERE status = 'served'") == 60)
        #expect(try await TestPostgres.count(database, "SELECT sum(minutes)::int FROM service_hours") == 60 * 120)

        // Verified (in one call, then again): 120 hours, the first star level, raised once.
        let entries = records.map { #"{"eventId":"\#($0.eventId)","volunteerId":"vol.k"}"# }.joined(separator: ",")
        for _ in 0..<2 {
            let answer = await volunteer.admin("POST", "/admin/hours/verify", json: #"{"entries":[\#(entries)]}"#)
            #expect(answer?.status == 200, "\(answer?.body ?? "")")
        }
        #expect(try await TestPostgres.count(database, "SELECT verified_minutes::int FROM volunteer WHERE id = 'vol.k'") == 7200)
        #expect(try await TestPostgres.count(database, "SELECT star_level::int FROM volunteer WHERE id = 'vol.k'") == 1)
        try await eventually("the star level is published") {
            events.all.contains { (try? CloudEvent(kafkaMessage: $0))?.type == VolunteerEventType.starLevelReached }
        }
        // Whatever the relay sent twice around the kill, the star level is one event (one id).
        try await Task.sleep(for: .seconds(1))
        let stars = Set(
            events.all.compactMap { try? CloudEvent(kafkaMessage: $0) }.filter { $0.type == VolunteerEventType.starLevelReached }.map(\.id))
        #expect(stars.count == 1)
        await events.stop()
        _ = await volunteer.terminate()
    }
}
