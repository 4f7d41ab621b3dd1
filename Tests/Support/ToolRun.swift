import Foundation

/// Runs an executable of this package (e.g. `kepu`) to completion and returns its exit status and output.
public func runTool(_ name: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)) async throws -> (
    status: Int32, output: String
) {
    let process = Process()
    process.executableURL = try ServiceProcess.executable(name)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("kepu-tool-\(UUID().uuidString.prefix(8)).out")
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    let handle = try FileHandle(forWritingTo: outputFile)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
    if process.isRunning {
        process.terminate()
        throw TestSetupError("\(name) \(arguments.joined(separator: " ")) did not finish within \(timeout)")
    }
    try handle.close()
    return (process.terminationStatus, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
}
