import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import KepuTestSupport
import Testing

/// `kepu dlq list` and `kepu dlq replay`, the real executable, against a service's real dead letters.
@Suite("kepu dlq", .serialized, .startsServiceProcesses)
struct DeadLetterToolTests {
    @Test("list shows where a dead letter came from and why; replay sends it back to its source topic once")
    func listAndReplay() async throws {
        let cluster = try makeTestCluster()
        let database = try await TestPostgres.freshDatabase()
        let service = try ServiceProcess(database: database, bootstrap: cluster.bootstrapServers)
        var unknown = countCommand(5, id: "mystery-1")
        unknown.headers = unknown.headers.map { $0.name == "ce_type" ? KafkaHeader(name: "ce_type", string: "kepu.test.mystery.v1") : $0 }
        try await publish([unknown], to: cluster)
        _ = try await readTopic("kepu.test-service.dlq.v1", cluster: cluster, atLeast: 1)

        let environment = ["KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers]
        let list = try await runTool("kepu", ["dlq", "list", "test-service"], environment: environment)
        #expect(list.status == 0, "\(list.output)")
        #expect(list.output.contains("\"error_code\":\"unknown_type\""))
        #expect(list.output.contains("\"source\":\"kepu.test.commands.v1["))
        #expect(list.output.contains("1 dead letters in kepu.test-service.dlq.v1"))

        let replay = try await runTool("kepu", ["dlq", "replay", "test-service"], environment: environment)
        #expect(replay.status == 0, "\(replay.output)")
        #expect(replay.output.contains("replayed 1 dead letters"))
        // The original record is back on its topic (with its original headers) and, still unknown, dead-lettered again:
        // that is a new dead letter, which the replay above must not have chased (it stops where the topic ended).
        let source = try await readTopic("kepu.test.commands.v1", cluster: cluster, atLeast: 2)
        #expect(source.count == 2)
        #expect(
            source.allSatisfy {
                $0.headers.value(named: "ce_id") == Array("mystery-1".utf8) && !$0.headers.contains { $0.name.hasPrefix("kepu_dlq_") }
            })
        #expect(try await readTopic("kepu.test-service.dlq.v1", cluster: cluster, atLeast: 2).count == 2)

        // A second replay continues where the first stopped: only the new dead letter.
        let again = try await runTool("kepu", ["dlq", "replay", "test-service"], environment: environment)
        #expect(again.status == 0 && again.output.contains("replayed 1 dead letters"), "status \(again.status): \(again.output)")
        #expect(try await readTopic("kepu.test.commands.v1", cluster: cluster, atLeast: 3).count == 3)
        #expect(await service.terminate() == 0)
    }
}
