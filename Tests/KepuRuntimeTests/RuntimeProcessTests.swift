import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import KepuTooling
import Logging
import Testing

@testable import KepuRuntime

/// The runtime's guarantees, with the fixture service as a real process, real PostgreSQL and the embedded cluster.
@Suite("Runtime guarantees, process level", .serialized, .startsServiceProcesses)
struct RuntimeProcessTests {
    @Test("killed between the database commit and the offset commit: no duplicate effect after restart")
    func killAfterCommit() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let first = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, extra: ["KEPU_TEST_EXIT_AFTER_COMMIT": "1"])
        try await publish((0..<50).map { countCommand($0) }, to: cluster)
        let status = await first.waitForExit(timeout: .seconds(60))
        #expect(status == 137, "the fixture should have died after its first commit: \(first.log.suffix(2000))")
        let committedBeforeDeath = try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects")
        #expect(committedBeforeDeath > 0, "the first process committed effects before dying")

        let second = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        try await eventually("all 50 commands applied") {
            try await TestPostgres.count(database, "SELECT count(DISTINCT event_id)::int FROM test_effects") == 50
        }
        // The batch the first process committed comes again (its offsets were never stored): the inbox must drop it.
        try await eventually("the redelivered batch reaches the inbox", timeout: .seconds(90)) {
            (await second.get("/metrics")?.body ?? "").contains("kepu_handler_events_total{handler=\"counter\",outcome=\"duplicate\"}")
        }
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects") == 50, "no effect applied twice")
        // One death is no crash loop: the batch it left in flight is applied again (in steps), and
        // nothing is dead-lettered, also where the batch held a single record of a partition.
        #expect(second.log.contains("applying them in steps"), "the restart noticed the death")
        #expect(try await readTopic("kepu.test-service.dlq.v1", cluster: cluster, atLeast: 0, quiet: .seconds(2)).isEmpty)
        #expect(await second.terminate() == 0)
    }

    @Test("killed before the relay published: the events are published after restart, once")
    func killBeforeRelay() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let first = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, extra: ["KEPU_OUTBOX_RELAY": "off"])
        try await publish((0..<20).map { countCommand($0) }, to: cluster)
        try await eventually("20 events waiting in the outbox") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 20
        }
        await first.kill()
        // Nothing reached the results topic: every partition's high watermark is still 0 (asked of the leaders).
        let probe = try KafkaConsumer(configuration: .consumer(bootstrapServers: cluster.bootstrapServers, groupId: "probe-\(UUID())"))
        let ends = try await probe.queryWatermarks((0..<3).map { KafkaTopicPartition(topic: "kepu.test.results.v1", partition: $0) })
        #expect(ends.count == 3 && ends.values.allSatisfy { $0.high == 0 }, "published before the relay ran: \(ends)")

        let second = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        let results = try await readTopic("kepu.test.results.v1", cluster: cluster, atLeast: 20, quiet: .seconds(3))
        let ids = results.compactMap { try? CloudEvent(kafkaMessage: $0).id }
        #expect(ids.count == 20, "published once each: \(ids.count)")
        #expect(Set(ids).count == 20)
        #expect(results.allSatisfy { $0.headers.value(named: "ce_type") == Array("kepu.test.applied.v1".utf8) })
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 0)
        #expect(await second.terminate() == 0)
    }

    @Test("while another replica holds the migrations the service waits, its relay included; then it consumes and publishes, and no round failed")
    func waitsForMigrations() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let logger = Logger(label: "test.migrations-held")
        // Another replica migrating: the lock the migrations take, held until released.
        let (releases, release) = AsyncStream<Void>.makeStream()
        let (held, holding) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await TestPostgres.withClient(database) { client in
                try await client.withTransaction(logger: logger) { connection in
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Migrator.lockKey))", logger: logger)
                    holding.yield()
                    for await _ in releases { break }
                }
            }
        }
        for await _ in held { break }
        let service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        try await publish([countCommand(1, id: "waiting")], to: cluster)
        try await eventually("the service answers, not ready yet") { await service.get("/health/ready")?.status == 503 }
        // Several of the relay's 200 ms timer rounds: each would fail on tables not there yet (and, prepared, leave
        // its connection failing for good) if the relay ran before the migrations.
        try await Task.sleep(for: .seconds(2))
        release.yield()
        try await holder.value

        try await eventually("the waiting command applied") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects WHERE event_id = 'waiting'") == 1
        }
        let results = try await readTopic("kepu.test.results.v1", cluster: cluster, atLeast: 1)
        #expect(results.count == 1, "its event published once")
        #expect(!service.log.contains("outbox relay failed"), "the relay ran before the migrations: \(service.log.suffix(2000))")
        #expect(await service.terminate() == 0)
    }

    @Test("a poison message goes to the dead-letter topic with its origin, and the next message is processed")
    func poisonToDeadLetters() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        // All on one key, so on one partition, in this order.
        let topic = "kepu.test.commands.v1"
        var notCloudEvent = KafkaProducerMessage(topic: topic, key: Array("key-1".utf8), value: Array("{\"n\":1}".utf8))
        notCloudEvent.headers = []
        var unknownType = countCommand(1)
        unknownType.headers = unknownType.headers.map { $0.name == "ce_type" ? KafkaHeader(name: "ce_type", string: "kepu.test.mystery.v1") : $0 }
        var badPayload = countCommand(1)
        badPayload.value = Array("{\"n\":\"one\"}".utf8)
        let messages = [countCommand(1, id: "first"), notCloudEvent, unknownType, badPayload, countCommand(11, id: "last")]
        try await publish(messages, to: cluster)

        try await eventually("both valid commands applied") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects WHERE event_id IN ('first', 'last')") == 2
        }
        let letters = try await readTopic("kepu.test-service.dlq.v1", cluster: cluster, atLeast: 3).compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(letters.map(\.errorCode).sorted() == ["invalid_payload", "not_cloudevent", "unknown_type"])
        #expect(letters.allSatisfy { $0.sourceTopic == topic && $0.consumer == "test-service.counter" && !$0.error.isEmpty })
        #expect(Set(letters.map(\.sourceOffset)).count == 3)
        #expect(letters.first { $0.errorCode == "not_cloudevent" }?.value == Array("{\"n\":1}".utf8), "the original bytes are kept")
        #expect(await service.terminate() == 0)
    }

    @Test("two replicas share the partitions without double effects")
    func twoReplicas() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let a = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, replica: "a")
        let b = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, replica: "b")
        try await eventually("both replicas ready") {
            let readyA = await a.get("/health/ready")?.status == 200
            let readyB = await b.get("/health/ready")?.status == 200
            return readyA && readyB
        }
        // Let the group settle with both members before the load arrives.
        try await Task.sleep(for: .seconds(4))
        try await publish((0..<300).map { countCommand($0) }, to: cluster)
        try await eventually("all 300 commands applied") {
            try await TestPostgres.count(database, "SELECT count(DISTINCT event_id)::int FROM test_effects") == 300
        }
        try await Task.sleep(for: .seconds(1))
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects") == 300, "no effect applied twice")
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects WHERE replica = 'a'") > 0)
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects WHERE replica = 'b'") > 0)
        let results = try await readTopic("kepu.test.results.v1", cluster: cluster, atLeast: 300)
        #expect(Set(results.map(\.value)).count > 0)
        #expect(results.count == 300, "each result published once")
        #expect(await a.terminate() == 0)
        #expect(await b.terminate() == 0)
    }

    @Test("KEPU_CONSUMER_CONCURRENCY=2: one replica's two consumers share the partitions without double effects")
    func twoConsumersInOneReplica() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, extra: ["KEPU_CONSUMER_CONCURRENCY": "2"])
        try await eventually("ready") { await service.get("/health/ready")?.status == 200 }
        // Each consumer logs the partitions it is given; between them they hold all six, each some.
        func assigned() -> [String: Set<String>] {
            var partitions: [String: Set<String>] = [:]
            for line in service.log.split(separator: "\n") where line.contains("\"partitions assigned\"") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let consumer = object["consumer"] as? String, let list = object["partitions"] as? String
                else { continue }
                partitions[consumer, default: []].formUnion(list.matches(of: /kepu\.test\.commands\.v1\[\d+\]/).map { String($0.output) })
            }
            return partitions
        }
        try await eventually("both consumers hold partitions") { assigned().count == 2 && assigned().values.allSatisfy { !$0.isEmpty } }
        #expect(assigned().values.reduce(into: Set<String>()) { $0.formUnion($1) }.count == 6, "\(assigned())")
        try await publish((0..<300).map { countCommand($0) }, to: cluster)
        try await eventually("all 300 commands applied") {
            try await TestPostgres.count(database, "SELECT count(DISTINCT event_id)::int FROM test_effects") == 300
        }
        try await Task.sleep(for: .seconds(1))
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects") == 300, "no effect applied twice")
        let results = try await readTopic("kepu.test.results.v1", cluster: cluster, atLeast: 300)
        #expect(results.count == 300, "each result published once")
        let config = try #require(
            await httpGet(port: service.httpPort, path: "/admin/config", headers: ["Authorization": "Bearer test-admin-token-0123456789"]))
        #expect(config.body.contains("\"consumer_concurrency\":2"))
        #expect(await service.terminate() == 0)
    }

    @Test("health, readiness and metrics are served; SIGTERM stops the service with exit code 0")
    func healthAndShutdown() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        try await eventually("ready") { await service.get("/health/ready")?.status == 200 }
        #expect(await service.get("/health/live")?.status == 200)
        let ready = try #require(await service.get("/health/ready"))
        #expect(ready.body.contains("\"database\":\"ok\"") && ready.body.contains("\"kafka\":\"ok\"") && ready.body.contains("\"migrations\":\"ok\""))
        try await publish([countCommand(7)], to: cluster)
        try await eventually("processed") { try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects") == 1 }
        let metrics = try #require(await service.get("/metrics")).body
        for name in ["kepu_handler_events_total", "kepu_handler_batch_duration_seconds", "kepu_outbox_backlog", "kepu_outbox_oldest_age_seconds"] {
            #expect(metrics.contains(name), "\(name) missing from /metrics")
        }
        #expect(await httpGet(port: service.httpPort, path: "/admin/config")?.status == 401, "admin routes need the token")
        #expect(
            await httpGet(port: service.httpPort, path: "/admin/config", headers: ["Authorization": "Bearer wrong-token-0123456789"])?.status == 401)
        let config = try #require(
            await httpGet(port: service.httpPort, path: "/admin/config", headers: ["Authorization": "Bearer test-admin-token-0123456789"]))
        #expect(config.status == 200)
        #expect(config.body.contains("test-admin-token") == false)
        let stopping = ContinuousClock.now
        #expect(await service.terminate() == 0)
        #expect(ContinuousClock.now - stopping < .seconds(10), "graceful shutdown is prompt")
        // Logs are JSON lines.
        let lines = service.log.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["service"] as? String == "test-service")
        }
    }
}
