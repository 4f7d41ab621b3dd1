import ArgumentParser
import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import Logging
import PostgresNIO
import Synchronization

/// `kepu-bench`: benchmarks that run the suite's code side by side with a baseline, in one run, and print ratios.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kepu-bench",
        abstract: "Benchmarks for Kepu Classroom, each against its baseline in the same run.",
        subcommands: [KafkaBench.self, BookingBench.self, MetricsBench.self, DecoderBench.self, NetworkBench.self]
    )
}

/// Waits until a service running in this process has applied its `count` migrations of `component`.
func waitForMigrations(_ client: PostgresClient, component: String, count: Int, service: Task<Void, Never>) async throws {
    let deadline = ContinuousClock.now + .seconds(120)
    let stopped = Atomic(false)
    Task {
        await service.value
        stopped.store(true, ordering: .relaxed)
    }
    while ContinuousClock.now < deadline, !stopped.load(ordering: .relaxed) {
        let applied = try? await client.query("SELECT count(*)::int FROM kepu_schema_migrations WHERE component = \(component)")
            .collect().first?.decode(Int.self)
        if applied == count { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    throw BenchError("the \(component) service stopped or did not migrate its database within 2 minutes")
}

/// The `p` quantile (0...1) of `values`, nearest rank.
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

/// What a service benchmark runs on: a throwaway PostgreSQL server with the service's database, and an embedded
/// cluster with every registry topic. The server is stopped when `body` ends, however it ends.
func withBenchInfrastructure(service: String, _ body: (BenchPostgres, DatabaseSettings, EmbeddedKafkaCluster) async throws -> Void) async throws {
    let postgres = try await BenchPostgres.start()
    do {
        let quiet = Logger(label: "kepu.bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let cluster = try EmbeddedKafkaCluster(brokers: 3, logger: quiet)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let database = try await postgres.createDatabase("kepu_bench_\(service)")
        say("\(service) benchmark: PostgreSQL on \(postgres.port), embedded cluster at \(cluster.bootstrapServers)")
        try await body(postgres, database, cluster)
    } catch {
        await postgres.stop()
        throw error
    }
    await postgres.stop()
}

/// The environment of a service run inside the benchmark: `defaults`, then the benchmark's own `KEPU_*` variables
/// (tuning passes through), then the run's database and cluster.
func benchServiceEnvironment(
    _ postgres: BenchPostgres, _ database: DatabaseSettings, _ cluster: EmbeddedKafkaCluster, defaults: [String: String] = [:]
) -> [String: String] {
    var environment = defaults.merging(ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("KEPU_") }) { _, given in given }
    environment.merge([
        "KEPU_DATABASE_URL": "postgres://postgres@127.0.0.1:\(postgres.port)/\(database.database)",
        "KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers, "KEPU_ADMIN_TOKEN": "bench-admin-token-0123456789", "KEPU_HTTP_HOST": "127.0.0.1",
        "KEPU_HTTP_PORT": "0", "KEPU_LOG_LEVEL": "error",
    ]) { _, fixed in fixed }
    return environment
}

/// Runs a service in this process, on the runtime as deployed, until the task is cancelled.
func runInProcess(_ definition: ServiceDefinition, environment: [String: String]) -> Task<Void, Never> {
    Task {
        let status = await ServiceMain.run(definition, environment: environment)
        say("the \(definition.name.rawValue) service stopped with status \(status)")
    }
}
