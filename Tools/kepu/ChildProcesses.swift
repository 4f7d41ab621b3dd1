import Foundation
import KepuRuntime
import KepuTooling
import Synchronization

/// The service processes `kepu dev` started, supervised as a container runtime would: a child that exits on its
/// own is reported at once, with the end of its log, and started again after a backoff (1 s, doubling to 30 s; back
/// to 1 s once a run lasted a minute). Stopping sends SIGTERM, then SIGKILL to whatever is still running after
/// the grace period, and restarts nothing.
final class ChildProcesses: Sendable {
    private struct Child: Sendable {
        let name: String
        let process: ChildProcess
        let log: URL
    }

    private let children = Mutex<[Child]>([])
    private let stopping = Atomic(false)

    static let firstBackoff = Duration.seconds(1)
    static let longestBackoff = Duration.seconds(30)
    /// A run this long counts as healthy: the next crash starts the backoff over.
    static let healthyRun = Duration.seconds(60)

    func start(name: String, executable: URL, environment: [String: String], log: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw DevError("\(executable.path) is not built: run `swift build` first (infra/run.sh does)")
        }
        let first = try spawn(name: name, executable: executable, environment: environment, log: log)
        Task { [weak self] in await self?.supervise(first, name: name, executable: executable, environment: environment, log: log) }
    }

    private func spawn(name: String, executable: URL, environment: [String: String], log: URL) throws -> ChildProcess {
        let process = try ChildProcess.spawn(executable.path, environment: environment, output: log.path)
        children.withLock { $0.append(Child(name: name, process: process, log: log)) }
        return process
    }

    /// Waits for the child; while not stopping, reports its exit and starts it again after the backoff.
    private func supervise(_ first: ChildProcess, name: String, executable: URL, environment: [String: String], log: URL) async {
        var process = first
        var backoff = Self.firstBackoff
        var restarts = 0
        while true {
            let started = ContinuousClock.now
            let status = await process.wait()
            children.withLock { $0.removeAll { $0.process.pid == process.pid } }
            guard !stopping.load(ordering: .acquiring) else { return }
            if ContinuousClock.now - started >= Self.healthyRun { backoff = Self.firstBackoff }
            let tail = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            step("SERVICE \(name) EXITED (\(status)); restarting in \(backoff) (restart \(restarts + 1)); last log lines:\n\(tail)")
            try? await Task.sleep(for: backoff)
            guard !stopping.load(ordering: .acquiring) else { return }
            do {
                process = try spawn(name: name, executable: executable, environment: environment, log: log)
                restarts += 1
                step("SERVICE \(name) restarted (pid \(process.pid))")
            } catch {
                step("SERVICE \(name) could not be restarted: \(error)")
                return
            }
            backoff = min(backoff * 2, Self.longestBackoff)
        }
    }

    func stopAll(grace: Duration) async {
        stopping.store(true, ordering: .releasing)
        let all = children.withLock { $0 }
        for child in all { child.process.signal(SIGTERM) }
        await withTaskGroup(of: Void.self) { group in
            for child in all {
                group.addTask {
                    let deadline = ContinuousClock.now + grace
                    while ContinuousClock.now < deadline {
                        if kill(child.process.pid, 0) != 0 { return }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                    step("\(child.name) did not stop within \(grace); killing it")
                    child.process.signal(SIGKILL)
                }
            }
        }
    }
}

struct DevError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
