import Foundation
import KepuRuntime
import KepuTooling
import Synchronization

/// A service executable of this package (`kepu-test-service`, `booking`, ...), run as a real process.
public final class ServiceProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched from the test's task; Foundation's Process is thread-safe for these calls.
    let process = Process()
    public let logFile: URL
    public let httpPort: Int
    /// Whether the wait after an abrupt death was done (it is needed once, not at every later look at the exit).
    private let waitedOutDeath = Atomic(false)

    public static func executable(_ name: String) throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/\(name)"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestSetupError("\(name) not built: run `swift build --build-tests` (infra/test.sh does)")
        }
        return found
    }

    /// Starts `executable` against `database` and `bootstrap`, with `extra` environment on top of the defaults.
    public init(
        _ executable: String = "kepu-test-service", database: DatabaseSettings, bootstrap: String, replica: String = "a",
        extra: [String: String] = [:], replaceEnvironment: [String: String]? = nil
    ) throws {
        httpPort = freePort()
        // infra/test.sh collects every service's log in one folder and scans it for contact details afterwards.
        let folder =
            ProcessInfo.processInfo.environment["KEPU_TEST_LOG_DIR"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        logFile = folder.appendingPathComponent("kepu-\(executable)-\(replica)-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "KEPU_DATABASE_URL": "postgres://\(database.username)@\(database.host):\(database.port)/\(database.database)\(database.tlsParameters)",
            "KEPU_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "KEPU_ADMIN_TOKEN": ServiceProcess.adminToken,
            "KEPU_JWT_SECRET": ServiceProcess.jwtSecret,
            "KEPU_HTTP_HOST": "127.0.0.1",
            "KEPU_HTTP_PORT": String(httpPort),
            "KEPU_TEST_REPLICA": replica,
            "KEPU_CONSUMER_BATCH_WAIT_MS": "20",
            "KEPU_OUTBOX_POLL_MS": "200",
            "KEPU_LOG_LEVEL": "info",
            // A killed member must be noticed quickly, so the next one gets its partitions within the test's patience.
            "KEPU_KAFKA_PROP_SESSION_TIMEOUT_MS": String(ServiceProcess.sessionTimeout.components.seconds * 1000),
            "KEPU_KAFKA_PROP_HEARTBEAT_INTERVAL_MS": "500",
        ]
        environment.merge(extra) { _, new in new }
        process.executableURL = try Self.executable(executable)
        process.environment = replaceEnvironment ?? environment
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// The group session timeout of every test service process.
    public static let sessionTimeout = Duration.seconds(6)

    /// SIGKILL: no shutdown at all.
    public func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        await waitForExit()
    }

    /// SIGTERM, then waits for the exit status.
    public func terminate() async -> Int32 {
        process.terminate()
        return await waitForExit()
    }

    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(30)) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            await waitForGroupsToDropMembers()
            return -1
        }
        // Died without leaving its groups (killed, or the fixture's abrupt exit with 137).
        if process.terminationReason == .uncaughtSignal || process.terminationStatus == 137 { await waitForGroupsToDropMembers() }
        return process.terminationStatus
    }

    /// Waits until the embedded brokers have expired the group members of a process that died without leaving,
    /// before anything else joins those groups. librdkafka 2.0.2's mock elects the oldest member leader, dead or
    /// not; the live members then wait in SyncGroup on blocked connections, without heartbeats, for a whole session
    /// timeout, and the mock may expire them too. A live member that rejoins under its expired id can later share
    /// that id with a new member (the mock names members by their address), and the next join of either aborts the
    /// whole test process (`rd_kafka_mock_cgrp_member_add: Assertion '!member->resp' failed`; seen once in four
    /// suite runs beside a CPU hog, with "Unknown member" in a live booking replica's log just before).
    private func waitForGroupsToDropMembers() async {
        guard !waitedOutDeath.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? await Task.sleep(for: Self.sessionTimeout + .seconds(2))
    }

    /// GET on the service's HTTP port; nil when it does not answer.
    public func get(_ path: String, headers: [String: String] = [:]) async -> (status: Int, body: String)? {
        await httpRequest(port: httpPort, method: "GET", path: path, headers: headers)
    }

    /// An admin call with the test token and a JSON body.
    public func admin(_ method: String, _ path: String, json: String = "") async -> (status: Int, body: String)? {
        await httpRequest(
            port: httpPort, method: method, path: path, headers: ["Authorization": "Bearer \(Self.adminToken)", "Content-Type": "application/json"],
            body: json)
    }

    public static let adminToken = "test-admin-token-0123456789"
    /// The secret of signed admin tokens (`kepu token --secret`).
    public static let jwtSecret = "test-jwt-secret-0123456789abcdefghijkl"

    /// Waits for `/health/ready`.
    public func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        try await eventually("\(logFile.lastPathComponent) ready", timeout: timeout) { await self.get("/health/ready")?.status == 200 }
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}
