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
import ServiceLifecycle

/// `kepu dev`: the whole suite on embedded defaults, in the foreground, until Ctrl-C.
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the suite locally: embedded Kafka-protocol broker, local PostgreSQL, all five services.")

    @Option(help: "Folder for PostgreSQL data and service logs (reused by the next run).") var dataDirectory = ".kepu"
    @Option(help: "PostgreSQL port on 127.0.0.1.") var postgresPort = 55432
    @Option(help: "Brokers in the embedded cluster.") var brokers = 3
    @Option(help: "Folder holding the service executables (default: beside this one).") var binaries: String?
    @Option(help: "The registry file kepu dev imports into outreach-events (default: infra/data/shenzhen-registry.csv).") var registry: String?

    func run() async throws {
        let data = URL(fileURLWithPath: dataDirectory).standardizedFileURL
        let logs = data.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let binaries = URL(fileURLWithPath: binaries ?? CommandLine.arguments[0]).standardizedFileURL
        let binaryFolder = self.binaries == nil ? binaries.deletingLastPathComponent() : binaries
        let supervisor = DevSupervisor(
            data: data, logs: logs, binaries: binaryFolder, postgresPort: postgresPort, brokers: brokers,
            adminToken: ProcessInfo.processInfo.environment["KEPU_ADMIN_TOKEN"] ?? "dev-admin-token-change-me", registry: registry)
        let logger = Logger(label: "kepu.dev", factory: { StreamLogHandler.standardError(label: $0) })
        let group = ServiceGroup(
            configuration: .init(services: [supervisor], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Starts PostgreSQL, the broker, the topics and the five services; reports a service that dies; on graceful
/// shutdown stops the services (SIGTERM, then SIGKILL after 20 s), PostgreSQL and the broker.
final class DevSupervisor: Service, Sendable {
    let data: URL
    let logs: URL
    let binaries: URL
    let postgresPort: Int
    let brokers: Int
    let adminToken: String
    /// The secret signed admin tokens are checked with: `$KEPU_JWT_SECRET`, else a development default.
    var jwtSecret: String { ProcessInfo.processInfo.environment["KEPU_JWT_SECRET"] ?? "dev-jwt-secret-change-me-0123456789abcdef" }
    /// The registry file to import (nil: the checkout's Shenzhen registry).
    let registry: String?
    let children = ChildProcesses()

    init(data: URL, logs: URL, binaries: URL, postgresPort: Int, brokers: Int, adminToken: String, registry: String? = nil) {
        self.registry = registry
        self.data = data
        self.logs = logs
        self.binaries = binaries
        self.postgresPort = postgresPort
        self.brokers = brokers
        self.adminToken = adminToken
    }

    func run() async throws {
        let pgdata = data.appendingPathComponent("pgdata").path
        step("PostgreSQL: starting from Debian's binaries in \(pgdata), port \(postgresPort)")
        try await runScript("infra/scripts/postgres.sh", ["start", pgdata, String(postgresPort)])
        do {
            try await runSuite()
        } catch {
            step("failed: \(error)")
        }
        step("PostgreSQL: stopping")
        try? await runScript("infra/scripts/postgres.sh", ["stop", pgdata])
    }

    private func runSuite() async throws {
        let server = DatabaseSettings(host: "127.0.0.1", port: postgresPort, username: "postgres", database: "postgres")
        try await createDatabases(server)

        step("Kafka: starting the embedded cluster (\(brokers) brokers)")
        let cluster = try EmbeddedKafkaCluster(brokers: brokers, logger: Logger(label: "kepu.dev.kafka", factory: { _ in SwiftLogNoOpLogHandler() }))
        defer { cluster.stop() }
        for topic in Topics.all {
            try cluster.createTopic(topic.name, partitions: topic.partitions, replicationFactor: min(3, Int32(brokers)))
        }
        step("Kafka: \(Topics.all.count) topics created")

        for (index, service) in ServiceName.all.enumerated() {
            let port = RuntimeConfiguration.defaultHTTPPort(service)
            // The embedded brokers (librdkafka 2.0.2's mock) do not honour static membership: a restarted service
            // waits for its old members' sessions to time out, so kepu dev keeps them short (measured: partitions
            // 5.0 s after a restart at 6 s, against 44 s at librdkafka's default 45 s), unless the environment sets them.
            let sessions = ["KEPU_KAFKA_PROP_SESSION_TIMEOUT_MS": "6000", "KEPU_KAFKA_PROP_HEARTBEAT_INTERVAL_MS": "1000"]
            let environment = sessions.merging(ProcessInfo.processInfo.environment) { _, given in given }.merging([
                "KEPU_DATABASE_URL": "postgres://postgres@127.0.0.1:\(postgresPort)/\(databaseName(service))",
                "KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers,
                "KEPU_ADMIN_TOKEN": adminToken,
                "KEPU_JWT_SECRET": jwtSecret,
                "KEPU_HTTP_HOST": "127.0.0.1",
                "KEPU_HTTP_PORT": String(port),
                // One replica per service, restarted under the same name: a static group member (see the README).
                "KEPU_REPLICA_ID": "dev-\(service.rawValue)",
            ]) { _, new in new }
            try children.start(
                name: service.rawValue, executable: binaries.appendingPathComponent(service.rawValue), environment: environment,
                log: logs.appendingPathComponent("\(service.rawValue).log"))
            step("[\(index + 1)/\(ServiceName.all.count)] \(service.rawValue): started, log \(logs.path)/\(service.rawValue).log")
        }
        await waitUntilReady()
        do {
            let imported = await DemoData.seedRegistry(
                outreachPort: RuntimeConfiguration.defaultHTTPPort(.outreachEvents), adminToken: adminToken, file: DemoData.registryFile(registry)
            ) { step($0) }
            _ = try await DemoData.seed(bookingPort: RuntimeConfiguration.defaultHTTPPort(.booking), adminToken: adminToken, fromRegistry: imported) {
                step($0)
            }
            if imported {
                _ = await DemoVolunteers.seed(volunteerPort: RuntimeConfiguration.defaultHTTPPort(.volunteer), adminToken: adminToken) { step($0) }
                _ = await DemoActivities.seed(outreachPort: RuntimeConfiguration.defaultHTTPPort(.outreachEvents), adminToken: adminToken) {
                    step($0)
                }
            }
        } catch {
            step("demo data not seeded: \(error)")
        }
        printSummary(bootstrap: cluster.bootstrapServers)

        try? await gracefulShutdown()
        step("stopping services")
        await children.stopAll(grace: .seconds(20))
        step("all services stopped")
    }

    private func waitUntilReady() async {
        let deadline = ContinuousClock.now + .seconds(90)
        var pending = Set(ServiceName.all)
        while !pending.isEmpty && ContinuousClock.now < deadline && !Task.isShuttingDownGracefully {
            for service in pending {
                if await httpGet(port: RuntimeConfiguration.defaultHTTPPort(service), path: "/health/ready")?.status == 200 {
                    pending.remove(service)
                    step("\(service.rawValue): ready")
                }
            }
            try? await Task.sleep(for: .milliseconds(300))
        }
        for service in pending { step("\(service.rawValue): NOT ready after 90 s, see \(logs.path)/\(service.rawValue).log") }
    }

    private func printSummary(bootstrap: String) {
        var text = "\nKepu Classroom is running (development).\n  Kafka bootstrap: \(bootstrap)\n"
        for service in ServiceName.all {
            let port = RuntimeConfiguration.defaultHTTPPort(service)
            text += "  \(service.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) http://127.0.0.1:\(port)  (/health/ready, /metrics)\n"
        }
        let metricsPort = RuntimeConfiguration.defaultHTTPPort(.metrics)
        text += "  DASHBOARD:   http://127.0.0.1:\(metricsPort)/dashboard   (report: http://127.0.0.1:\(metricsPort)/report, CSV: /report.csv)\n"
        let outreachPort = RuntimeConfiguration.defaultHTTPPort(.outreachEvents)
        text += "  REGISTRY:    http://127.0.0.1:\(outreachPort)/network/units/sz/children   (kepu.network.units.v1)\n"
        text +=
            "  admin token: \(adminToken)   (break-glass; scoped tokens: KEPU_JWT_SECRET=\(jwtSecret) .build/debug/kepu token --role district_admin --scope sz.futian)\n"
        text += "  demo traffic:  .build/debug/kepu demo --bootstrap \(bootstrap) --rate 20\n"
        text += "  watch a topic: kcat -C -b \(bootstrap) -t kepu.booking.events.v1 -f '%t[%p]@%o %k %h %s\\n'\n"
        text += "  KPI snapshots: kcat -C -b \(bootstrap) -t kepu.metrics.snapshots.v1 -f '%k %s\\n'\n"
        text += "  the registry:  kcat -C -b \(bootstrap) -t kepu.network.units.v1 -e -f '%k %s\\n'\n"
        text += "  volunteers:    kcat -C -b \(bootstrap) -t kepu.volunteer.events.v1 -f '%k %h %s\\n'   (offers, staffing, hours)\n"
        text += "  decoded:       KEPU_KAFKA_BOOTSTRAP_SERVERS=\(bootstrap) .build/debug/kepu tail kepu.booking.events.v1 --from-beginning\n"
        text += "Ctrl-C stops everything.\n"
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func createDatabases(_ server: DatabaseSettings) async throws {
        let database = Database(settings: server, poolSize: 2, logger: Logger(label: "kepu.dev.db", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            for service in ServiceName.all {
                let name = databaseName(service)
                let exists = try await database.client.query("SELECT 1 FROM pg_database WHERE datname = \(name)").collect().count > 0
                if !exists {
                    // Identifiers cannot be bound as parameters; `name` is built from a fixed service name.
                    try await database.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
                }
                step("PostgreSQL: database \(name) \(exists ? "exists" : "created")")
            }
        }
    }

    private func runScript(_ path: String, _ arguments: [String]) async throws {
        let status = try await ChildProcess.spawn(path, arguments, environment: ProcessInfo.processInfo.environment).wait()
        guard status == .exited(0) else {
            throw ValidationError("\(path) \(arguments.joined(separator: " ")) failed: \(status)")
        }
    }
}

/// The per-service database name: `kepu_` and the service name with underscores.
func databaseName(_ service: ServiceName) -> String {
    "kepu_" + service.rawValue.replacingOccurrences(of: "-", with: "_")
}

func step(_ text: String) {
    FileHandle.standardError.write(Data("kepu dev: \(text)\n".utf8))
}
