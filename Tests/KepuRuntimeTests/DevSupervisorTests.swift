import Foundation
import Testing

@testable import kepu

/// `kepu dev` supervises its services as a container runtime would.
@Suite("kepu dev's supervisor")
struct DevSupervisorTests {
    @Test("a service that exits is started again with a growing backoff, and nothing is restarted once stopping")
    func restartsWithBackoff() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kepu-supervisor-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let runs = folder.appendingPathComponent("runs")
        let script = folder.appendingPathComponent("dies.sh")
        try "#!/bin/sh\ndate +%s.%N >> \(runs.path)\nexit 3\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let children = ChildProcesses()
        try children.start(name: "dies", executable: script, environment: ["PATH": "/usr/bin:/bin"], log: folder.appendingPathComponent("log"))
        func starts() -> [Double] {
            ((try? String(contentsOf: runs, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Double($0) }
        }
        // Runs at 0, 1 and 3 s (backoff 1 s, then 2 s).
        // Generous: a loaded machine (the whole suite runs in parallel) schedules the supervisor late.
        let deadline = ContinuousClock.now + .seconds(60)
        while starts().count < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let times = starts()
        #expect(times.count >= 3, "restarted: \(times)")
        if times.count >= 3 {
            #expect(times[1] - times[0] >= 0.9 && times[2] - times[1] >= 1.9, "backoff grows: \(times)")
        }
        await children.stopAll(grace: .seconds(1))
        let stopped = starts().count
        try await Task.sleep(for: .seconds(5))
        #expect(starts().count == stopped, "no restart after stopping")
    }
}
