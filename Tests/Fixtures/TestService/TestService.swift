import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime

/// A service on the runtime with one tiny handler, run as a real process by the runtime tests.
///
/// It consumes `kepu.test.commands.v1` (`{"n": Int}`), records an effect row per command (deliberately without a
/// unique constraint, so a duplicate effect would show) and emits `kepu.test.applied.v1` to `kepu.test.results.v1`.
/// `KEPU_TEST_REPLICA` names the replica in its rows; `KEPU_TEST_EXIT_AFTER_COMMIT=1` kills the process right after
/// its first database commit, before offsets are stored. `{"n": -666}` traps whenever it is applied; `pad` makes the
/// applied event that many bytes larger.
struct CountCommand: Sendable, Decodable {
    let n: Int
    /// Optional: the applied event carries this many bytes more (`OutboxRefusal`'s test).
    let pad: Int?
}

/// `n` of a record that traps in `apply`.
let killerCount = -666

struct CountHandler: EventHandler {
    let replica: String
    var name: String { "counter" }
    var topics: [String] { [TestTopics.commands] }

    static let decoder = EventDecoder<CountCommand>([.on("kepu.test.count.v1", as: CountCommand.self) { $0 }])

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> CountCommand {
        try Self.decoder.decode(event)
    }

    func apply(_ commands: [ReceivedCommand<CountCommand>], in transaction: HandlerTransaction) async throws {
        // A record that kills the process whenever it is applied (the crash-loop guard's test).
        if commands.contains(where: { $0.command.n == killerCount }) { fatalError("fixture: this record kills the process") }
        let ids = commands.map(\.event.id)
        let values = commands.map(\.command.n)
        try await transaction.connection.query(
            "INSERT INTO test_effects (event_id, n, replica) SELECT unnest(\(ids)::text[]), unnest(\(values)::int[]), \(replica)",
            logger: transaction.logger)
        for command in commands {
            let key = String(decoding: command.message.key ?? [], as: UTF8.self)
            transaction.emit(
                OutgoingEvent(
                    topic: TestTopics.results, key: key,
                    event: CloudEvent(
                        id: "applied-\(command.event.id)", source: "/kepu/test-service", type: "kepu.test.applied.v1",
                        data: command.event.data + Array(repeating: 0x20, count: max(0, min(command.command.pad ?? 0, 4_000_000)))))
            )
        }
    }
}

enum TestTopics {
    static let commands = "kepu.test.commands.v1"
    static let results = "kepu.test.results.v1"
}

@main
struct TestServiceMain {
    static func main() async {
        let environment = ProcessInfo.processInfo.environment
        let replica = environment["KEPU_TEST_REPLICA"] ?? "replica"
        let definition = ServiceDefinition(
            name: ServiceName(rawValue: "test-service"),
            migrations: [
                Migration(
                    version: 1, name: "effects",
                    statements: ["CREATE TABLE test_effects (event_id text NOT NULL, n integer NOT NULL, replica text NOT NULL)"]),
                // Not idempotent on purpose: running it twice would leave two rows.
                Migration(
                    version: 2, name: "probe",
                    statements: [
                        "CREATE TABLE migration_probe (applied_at timestamptz NOT NULL DEFAULT now())", "INSERT INTO migration_probe DEFAULT VALUES",
                    ]),
            ],
            handlers: [HandlerRegistration(CountHandler(replica: replica))])
        let hooks = RunnerHooks(afterCommit: {
            if environment["KEPU_TEST_EXIT_AFTER_COMMIT"] == "1" {
                // As abrupt as SIGKILL: no flush, no offset commit, no cleanup.
                _exit(137)
            }
        })
        exit(await ServiceMain.run(definition, environment: environment, hooks: hooks))
    }
}
