import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import KepuTestSupport
import Testing

/// Contact details go to booking's database and nowhere else: not to any topic booking or metrics writes, not to
/// their logs (at debug level), not to the request fingerprints.
@Suite("Contact details stay in booking's database", .serialized, .startsServiceProcesses)
struct PersonalDataLeakTests {
    @Test("booking and metrics, real processes at debug level: no topic they write and no log line holds a contact detail")
    func noLeak() async throws {
        let harness = try await BookingHarness.start(environment: ["KEPU_LOG_LEVEL": "debug"])
        let metricsDatabase = try await TestPostgres.freshDatabase()
        let metrics = try ServiceProcess(
            "metrics", database: metricsDatabase, bootstrap: harness.cluster.bootstrapServers, extra: ["KEPU_LOG_LEVEL": "debug"])
        try await metrics.waitUntilReady()
        let session = try await harness.session(["capacity": 2])
        let contact = #""contact":{"name":"隐私测试员","phone":"13700001234"}"#
        func seats(_ id: String, _ count: Int, extra: String = "") -> KafkaProducerMessage {
            BookingHarness.request(
                BookingRequestType.seatsRequested, key: session,
                json:
                    #"{"requestId":"\#(id)","sessionId":"\#(session)","party":{"kind":"individual","residentId":"r-\#(id)","seats":\#(count)},\#(contact),\#(BookingHarness.claimField(id))\#(extra)}"#
            )
        }
        try await harness.publish(
            seats("p-1", 2), // confirmed
            seats("p-2", 1), // waitlisted
            seats("p-3", 9), // over the limit: rejected
            seats("p-1", 1), // the same id with other content: conflict
            seats("p-4", 1, extra: #","unknownField":1"#)) // invalid: a field the contract does not define
        #expect(try await harness.outcome(of: "p-1").type == BookingEventType.confirmed)
        #expect(try await harness.outcome(of: "p-2").type == BookingEventType.waitlisted)
        for id in ["p-3", "p-4"] { #expect(try await harness.outcome(of: id).type == BookingEventType.rejected) }
        let booking = try #require(try await harness.outcome(of: "p-1").json["bookingId"] as? String)
        try await harness.publish(BookingHarness.cancel("p-5", session: session, booking: booking, token: BookingHarness.token(for: "p-1")))
        #expect(try await harness.outcome(of: "p-5").type == BookingEventType.cancelled)
        // Metrics has folded the answers into snapshots by now or soon.
        let snapshots = try await readTopic(Topics.metricSnapshots.name, cluster: harness.cluster, atLeast: 1)
        #expect(!snapshots.isEmpty)

        // The roster has them: that is where they belong.
        let roster = try #require(await harness.service.admin("GET", "/admin/sessions/\(session)/roster"))
        #expect(roster.body.contains("13700001234"))

        // Every topic but the frontends' requests, in one read (a group joins once), until it has been quiet.
        let written = Topics.all.map(\.name).filter { $0 != Topics.bookingRequests.name }
        let reader = try KafkaConsumer(configuration: .consumer(bootstrapServers: harness.cluster.bootstrapServers, groupId: "leak-\(UUID())"))
        try reader.subscribe(topics: written)
        var records: [KafkaConsumerMessage] = []
        var lastNew = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, records.count < 8 || ContinuousClock.now - lastNew < .seconds(3) {
            guard let batch = try await reader.poll(maxMessages: 1000, maxWait: .milliseconds(100)) else { break }
            if !batch.isEmpty {
                records += batch.messages
                lastNew = .now
            }
        }
        await reader.close()
        #expect(Set(records.map(\.topic)).isSuperset(of: [Topics.bookingEvents.name, Topics.metricSnapshots.name]))
        for record in records {
            let text =
                [record.key ?? [], record.value].map { String(decoding: $0, as: UTF8.self) }
                + record.headers.map { $0.name + "=" + String(decoding: $0.value ?? [], as: UTF8.self) }
            for marker in TestContacts.markers {
                #expect(!text.contains { $0.contains(marker) }, "\(record.topic) holds '\(marker)': \(text)")
            }
        }
        #expect(records.count >= 8, "the events, snapshots and the rest were read: \(records.count) records")
        for (name, log) in [("booking", harness.service.log), ("metrics", metrics.log)] {
            #expect(log.contains(#""level":"debug""#), "\(name) logged at debug level")
            for marker in TestContacts.markers { #expect(!log.contains(marker), "\(name)'s log holds '\(marker)'") }
        }
        let fingerprints = try await TestPostgres.count(
            harness.database, "SELECT count(*)::int FROM booking_request WHERE fingerprint !~ '^p[0-9a-f]{64}$' OR fingerprint LIKE '%1370000%'")
        #expect(fingerprints == 0, "fingerprints are hashes")
        _ = await metrics.terminate()
        #expect(await harness.stop() == 0)
    }

    @Test("the log scan of the test command looks for exactly the contact details the tests use")
    func scanMatchesTheTests() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        #expect(try TestContacts.scannedMarkers(repository: repository) == TestContacts.markers)
    }
}
