import Foundation
import KepuRuntime

/// The `kepu-test-service` executable, run as a real process.
final class FixtureProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched from the test's task; Foundation's Process is thread-safe for these calls.
    let process = Process()
    let logFile: URL
    let httpPort: Int

    static var executable: URL {
        get throws {
            let candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kepu-test-service"),
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent(".build/debug/kepu-test-service"),
            ]
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw TestSetupError("kepu-test-service not built: run `swift build --build-tests` (infra/test.sh does)")
            }
            return found
        }
    }

    /// Starts the fixture against `database` and `bootstrap`, with `extra` environment on top of the defaults.
    init(database: DatabaseSettings, bootstrap: String, replica: String = "a", extra: [String: String] = [:], replaceEnvironment: [String: String]? = nil) throws {
        httpPort = freePort()
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("kepu-fixture-\(replica)-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "KEPU_DATABASE_URL": "postgres://\(database.username)@\(database.host):\(database.port)/\(database.database)",
            "KEPU_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "KEPU_ADMIN_TOKEN": "test-admin-token-0123456789",
            "KEPU_HTTP_HOST": "127.0.0.1",
            "KEPU_HTTP_PORT": String(httpPort),
            "KEPU_TEST_REPLICA": replica,
            "KEPU_CONSUMER_BATCH_WAIT_MS": "20",
            "KEPU_OUTBOX_POLL_MS": "200",
            "KEPU_LOG_LEVEL": "info",
            // A killed member must be noticed quickly, so the next one gets its partitions within the test's patience.
            "KEPU_KAFKA_PROP_SESSION_TIMEOUT_MS": "6000",
            "KEPU_KAFKA_PROP_HEARTBEAT_INTERVAL_MS": "500",
        ]
        environment.merge(extra) { _, new in new }
        process.executableURL = try Self.executable
        process.environment = replaceEnvironment ?? environment
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// SIGKILL: no shutdown at all.
    func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        await waitForExit()
    }

    /// SIGTERM, then waits for the exit status.
    func terminate() async -> Int32 {
        process.terminate()
        return await waitForExit()
    }

    @discardableResult
    func waitForExit(timeout: Duration = .seconds(30)) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        return process.terminationStatus
    }

    /// GET on the fixture's HTTP port; nil when it does not answer.
    func get(_ path: String) async -> (status: Int, body: String)? {
        await httpGet(port: httpPort, path: path)
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

/// A port nobody listens on right now.
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

