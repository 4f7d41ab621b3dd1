import CRdKafka
import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import KepuTestSupport
import Testing

/// The runtime's defences, with the fixture service as a real process: a record that kills the process, an event
/// too large to publish, a row Kafka refuses, two senders sharing an event id, memory that must not grow, and a
/// stop while the database is down.
@Suite("Runtime against hostile input and outages", .serialized, .startsServiceProcesses)
struct HostileRuntimeTests {
    /// A killer among `count` commands, read in batches of up to `batchSize`: it costs two deaths where the batch
    /// is narrow (batch, alone) and at most three where it is wide (batch, a step of about √n, alone; more than 512 records).
    struct CrashLoop: Sendable, CustomTestStringConvertible {
        let count: Int
        let killerAt: Int
        let batchSize: Int
        let deaths: ClosedRange<Int>
        var testDescription: String { "\(count) commands in batches of up to \(batchSize), the killer at \(killerAt)" }
    }

    @Test(
        "a record that kills the process whenever it is applied is dead-lettered after two or three deaths, and its partition moves on",
        arguments: [
            CrashLoop(count: 30, killerAt: 15, batchSize: 500, deaths: 2...2),
            CrashLoop(count: 3_000, killerAt: 1_777, batchSize: 5_000, deaths: 2...3),
        ])
    func crashLoopGuard(_ loop: CrashLoop) async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        // One key, so one partition: the killer at offset `killerAt`.
        var records = (0..<loop.count).map { n in
            CloudEvent(id: "c-\(n)", source: "/tests", type: "kepu.test.count.v1", data: Array("{\"n\":\(n)}".utf8))
                .kafkaMessage(topic: "kepu.test.commands.v1", key: "one-key")
        }
        records[loop.killerAt] = CloudEvent(id: "killer", source: "/tests", type: "kepu.test.count.v1", data: Array("{\"n\":-666}".utf8))
            .kafkaMessage(topic: "kepu.test.commands.v1", key: "one-key")
        try await publish(records, to: cluster)
        let environment = ["KEPU_CONSUMER_BATCH_SIZE": "\(loop.batchSize)"]
        var deaths = 0
        var service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, extra: environment)
        while true {
            var died = false
            try await eventually("the process dies, or applies the \(loop.count - 1) others", timeout: .seconds(90)) {
                if !service.isRunning {
                    died = true
                    return true
                }
                return try await TestPostgres.count(database, "SELECT count(DISTINCT event_id)::int FROM test_effects") == loop.count - 1
            }
            guard died else { break }
            deaths += 1
            await service.waitForExit()
            #expect(deaths <= loop.deaths.upperBound, "the guard dead-letters the killer in time: \(service.log.suffix(1500))")
            guard deaths <= loop.deaths.upperBound else { return }
            service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, replica: "after-\(deaths)", extra: environment)
        }
        #expect(loop.deaths.contains(deaths), "deaths: \(deaths)")
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects") == loop.count - 1, "no effect twice")
        let letters = try await readTopic("kepu.test-service.dlq.v1", cluster: cluster, atLeast: 1).compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(letters.map(\.errorCode) == ["crash_loop"])
        #expect(letters.first?.sourceOffset == Int64(loop.killerAt))
        #expect(await service.terminate() == 0)
    }

    @Test("an event too large to publish is refused at append: the command is dead-lettered, the rest is published once, the relay never stalls")
    func outboxRefusesOversized() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        var records = (0..<40).map { countCommand($0, id: "ok-\($0)") }
        records.insert(
            CloudEvent(id: "big", source: "/tests", type: "kepu.test.count.v1", data: Array(#"{"n":7,"pad":2000000}"#.utf8))
                .kafkaMessage(topic: "kepu.test.commands.v1", key: "key-7"), at: 20)
        try await publish(records, to: cluster)
        let results = try await readTopic("kepu.test.results.v1", cluster: cluster, atLeast: 40, quiet: .seconds(3))
        let ids = results.compactMap { try? CloudEvent(kafkaMessage: $0).id }
        #expect(ids.count == 40 && Set(ids).count == 40, "each published once: \(ids.count)")
        #expect(!ids.contains("applied-big"))
        let letters = try await readTopic("kepu.test-service.dlq.v1", cluster: cluster, atLeast: 1).compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(letters.map(\.errorCode) == ["handler_failed"])
        #expect(letters.first?.error.contains("refused by the outbox") == true, "\(letters.first?.error ?? "")")
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 0)
        #expect(await service.terminate() == 0)
    }

    @Test("a row Kafka refuses for good is parked and counted; the rows after it are published once, none before it")
    func relayParksRefusedRows() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let first = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, extra: ["KEPU_OUTBOX_RELAY": "off"])
        try await publish((0..<10).map { countCommand($0, id: "before-\($0)") }, to: cluster)
        try await eventually("10 rows in the outbox") { try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 10 }
        // A row as an older version (or a bug) could have left it: 1.5 MB, more than any broker takes by default.
        _ = try await TestPostgres.count(
            database,
            """
            WITH row AS (INSERT INTO outbox_message (event_id, topic, message_key, event_type, event_source, event_time, payload)
                VALUES ('too-big', 'kepu.test.results.v1', 'key-1', 'kepu.test.applied.v1', '/tests', now(), '"' || repeat('x', 1500000) || '"')
                RETURNING 1)
            SELECT count(*)::int FROM row
            """)
        try await publish((0..<10).map { countCommand($0, id: "after-\($0)") }, to: cluster)
        try await eventually("21 rows in the outbox") { try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 21 }
        #expect(await first.terminate() == 0)
        let second = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, replica: "b")
        let results = try await readTopic("kepu.test.results.v1", cluster: cluster, atLeast: 20, quiet: .seconds(4))
        let ids = results.compactMap { try? CloudEvent(kafkaMessage: $0).id }
        #expect(ids.count == 20 && Set(ids).count == 20, "published once each: \(ids.count)")
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_parked WHERE event_id = 'too-big'") == 1)
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM outbox_unpublished") == 0)
        try await eventually("the parked row is counted") {
            (await second.get("/metrics")?.body ?? "").contains("kepu_outbox_parked_total 1")
        }
        #expect(second.log.contains("ALERT outbox row parked"))
        #expect(await second.terminate() == 0)
    }

    @Test("two senders' events with the same id are both applied (identity is source + id); a repeat from one sender is not")
    func identityIsSourceAndId() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        func command(_ source: String, _ n: Int) -> KafkaProducerMessage {
            CloudEvent(id: "42", source: source, type: "kepu.test.count.v1", data: Array("{\"n\":\(n)}".utf8))
                .kafkaMessage(topic: "kepu.test.commands.v1", key: "key-\(n)")
        }
        try await publish([command("/frontend/a", 1), command("/frontend/b", 2), command("/frontend/a", 3)], to: cluster)
        try await publish([countCommand(9, id: "last")], to: cluster)
        try await eventually("the last command applied") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects WHERE event_id = 'last'") == 1
        }
        try await Task.sleep(for: .seconds(1))
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects WHERE event_id = '42'") == 2)
        #expect(await service.terminate() == 0)
    }

    @Test("an event recorded before the inbox knew sources is still a repeat after the upgrade")
    func legacyInboxRows() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let first = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        try await first.waitUntilReady()
        #expect(await first.terminate() == 0)
        // As migration 5 leaves a row of an older version: no source.
        _ = try await TestPostgres.count(
            database,
            "WITH old AS (INSERT INTO received_messages (consumer_id, message_id) VALUES ('test-service.counter', 'seen-before') RETURNING 1) SELECT count(*)::int FROM old"
        )
        let second = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, replica: "b")
        try await publish([countCommand(1, id: "seen-before"), countCommand(2, id: "new")], to: cluster)
        try await eventually("the new event applied") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects WHERE event_id = 'new'") == 1
        }
        try await Task.sleep(for: .seconds(1))
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM test_effects WHERE event_id = 'seen-before'") == 0)
        #expect(await second.terminate() == 0)
    }

    @Test("the inbox forgets events past the retention, and keeps the rest")
    func inboxRetention() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let first = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        try await publish((0..<5).map { countCommand($0) }, to: cluster)
        try await eventually("5 events in the inbox") { try await TestPostgres.count(database, "SELECT count(*)::int FROM received_messages") == 5 }
        #expect(await first.terminate() == 0)
        _ = try await TestPostgres.count(
            database,
            """
            WITH old AS (INSERT INTO received_messages (consumer_id, message_source, message_id, received_at)
                SELECT 'test-service.counter', '/tests', 'old-' || n, now() - interval '40 days' FROM generate_series(1, 25000) n RETURNING 1)
            SELECT count(*)::int FROM old
            """)
        let second = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers, extra: ["KEPU_INBOX_RETENTION_DAYS": "30"])
        try await eventually("the old rows pruned") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM received_messages") == 5
        }
        #expect(await second.terminate() == 0)
    }

    @Test("readiness is not 200 while a consumer waits for its partitions, and is once the group has given them")
    func readinessWaitsForPartitions() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        // The group coordinator answers JoinGroup with a retriable error for a while: the consumer is up, without
        // partitions.
        cluster.pushRequestErrors(.joinGroup, Array(repeating: RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, count: 6))
        let service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        var sawWaiting = false
        try await eventually("ready once the consumer joined", timeout: .seconds(90)) {
            guard let answer = await service.get("/health/ready") else { return false }
            if answer.status == 503, answer.body.contains(#""migrations":"ok""#), answer.body.contains(#""consumers":"failing""#) {
                sawWaiting = true
            }
            return answer.status == 200
        }
        #expect(sawWaiting, "readiness said 503 for the consumer while migrations were done")
        #expect(service.log.contains("not yet given their partitions"), "the reason is in the log, not the public answer")
        #expect(service.log.contains("partitions assigned"))
        #expect(await service.terminate() == 0)
    }

    @Test("SIGTERM while PostgreSQL is unreachable ends the process within the grace period")
    func shutdownDuringOutage() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let proxy = try TCPProxy(to: database.port)
        let service = try ServiceProcess(
            database: DatabaseSettings(
                host: database.host, port: proxy.port, username: database.username, password: database.password, database: database.database,
                tls: database.tls), bootstrap: cluster.bootstrapServers)
        try await service.waitUntilReady()
        proxy.stop() // the database is gone: connections reset, new ones refused
        try await publish((0..<5).map { countCommand($0) }, to: cluster)
        // The batch waits for a connection the pool cannot make.
        try await eventually("the outage felt") { service.log.contains("Connection creation failed") }
        try await Task.sleep(for: .seconds(1))
        let stopping = ContinuousClock.now
        let status = await service.terminate()
        let took = ContinuousClock.now - stopping
        #expect(status != -1, "exited by itself, not killed after 30 s: \(service.log.suffix(1500))")
        #expect(took < .seconds(25), "\(took)")
    }
}
