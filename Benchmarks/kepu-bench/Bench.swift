import ArgumentParser
import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTooling
import Logging
import PostgresNIO
import Synchronization

/// `kepu-bench`: benchmarks that run the suite's code side by side with a baseline, in one run, and print ratios.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kepu-bench",
        abstract: "Benchmarks for Kepu Classroom, each against its baseline in the same run.",
        subcommands: [
            KafkaBench.self, BookingBench.self, MetricsBench.self, DecoderBench.self, NetworkBench.self, OutreachBench.self, VolunteerBench.self,
            ContentBench.self,
        ]
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
    // `OTEL_*` too: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, a run measures the service with tracing on.
    var environment = defaults.merging(
        ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("KEPU_") || $0.key.hasPrefix("OTEL_") }
    ) { _, given in given }
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

/// Starts the services' release executables (built beside this one) as child processes, each on its own
/// database and a free HTTP port, and waits until every one is ready. The caller kills the children.
func startServiceExecutables(
    _ services: [ServiceName], postgres: BenchPostgres, databases: [ServiceName: DatabaseSettings], cluster: EmbeddedKafkaCluster,
    environment extra: [String: String] = [:]
) async throws -> (children: [ChildProcess], ports: [ServiceName: Int]) {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var children: [ChildProcess] = []
    var ports: [ServiceName: Int] = [:]
    do {
        for service in services {
            let executable = folder.appendingPathComponent(service.rawValue).path
            guard FileManager.default.isExecutableFile(atPath: executable), let database = databases[service] else {
                throw BenchError("\(executable) is missing: build every product (swift build -c release --scratch-path .build-release)")
            }
            let port = freePort()
            ports[service] = port
            var environment = benchServiceEnvironment(postgres, database, cluster).merging(extra) { _, given in given }
            environment["KEPU_HTTP_PORT"] = String(port)
            environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            children.append(
                try ChildProcess.spawn(
                    executable, environment: environment,
                    output: FileManager.default.temporaryDirectory.appendingPathComponent("kepu-bench-\(service.rawValue).log").path))
        }
        for (service, port) in ports {
            let deadline = ContinuousClock.now + .seconds(120)
            while await httpGet(port: port, path: "/health/ready")?.status != 200 {
                guard ContinuousClock.now < deadline else { throw BenchError("\(service.rawValue) not ready within 2 minutes") }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    } catch {
        for child in children { child.signal(SIGKILL) }
        throw error
    }
    return (children, ports)
}

/// CPU seconds (user and system) this process has used so far, all threads.
func processCPUSeconds() -> Double {
    var usage = rusage()
    guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
