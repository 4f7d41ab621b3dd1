import Foundation
import KepuRuntime
import Synchronization

/// The service processes `kepu dev` started. A child that exits on its own is reported at once, with the end of
/// its log; stopping sends SIGTERM, then SIGKILL to whatever is still running after the grace period.
final class ChildProcesses: Sendable {
    private struct Child: Sendable {
        let name: String
        let process: Subprocess
        let log: URL
    }

    private let children = Mutex<[Child]>([])
    private let stopping = Atomic(false)

    func start(name: String, executable: URL, environment: [String: String], log: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw DevError("\(executable.path) is not built: run `swift build` first (infra/run.sh does)")
        }
        let process = try Subprocess.spawn(executable.path, environment: environment, output: log.path)
        children.withLock { $0.append(Child(name: name, process: process, log: log)) }
        // Watch it: a crash is reported, not hidden.
        Task { [weak self] in
            let status = await process.wait()
            guard let self, !self.stopping.load(ordering: .acquiring) else { return }
            let tail = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            step("SERVICE \(name) EXITED (\(status)); last log lines:\n\(tail)")
            self.children.withLock { $0.removeAll { $0.process.pid == process.pid } }
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
