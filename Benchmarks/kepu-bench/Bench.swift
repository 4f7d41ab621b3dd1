import ArgumentParser
import Foundation
import PostgresNIO
import Synchronization

/// `kepu-bench`: benchmarks that run the suite's code side by side with a baseline, in one run, and print ratios.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kepu-bench",
        abstract: "Benchmarks for Kepu Classroom, each against its baseline in the same run.",
        subcommands: [KafkaBench.self, BookingBench.self, MetricsBench.self]
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
