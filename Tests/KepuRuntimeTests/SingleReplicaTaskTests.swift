import KepuRuntime
import KepuTestSupport
import Logging
import Synchronization
import Testing

@Suite("Single-replica tasks (real PostgreSQL)")
struct SingleReplicaTaskTests {
    @Test("a round that names when its next work is due is run again then, not an interval later")
    func wakesWhenDue() async throws {
        let database = try await TestPostgres.freshDatabase()
        let rounds = Mutex<[ContinuousClock.Instant]>([])
        try await TestPostgres.withClient(database) { client in
            // An interval far longer than the test: a second round can only come from the due time the first named.
            let task = SingleReplicaTask(
                name: "test.single-replica-42", interval: .seconds(3600), client: client, logger: Logger(label: "test.single-replica")
            ) { _ in
                let count = rounds.withLock { rounds in
                    rounds.append(.now)
                    return rounds.count
                }
                return .init(handled: 0, nextDue: count == 1 ? .now + .milliseconds(200) : nil)
            }
            let running = Task { try await task.run() }
            defer { running.cancel() }
            try await eventually("a second round", timeout: .seconds(30)) { rounds.withLock { $0.count } >= 2 }
            let times = rounds.withLock { $0 }
            #expect(times[1] - times[0] >= .milliseconds(200), "not before the due time")
            // Then nothing is due: the task sleeps its interval.
            try await Task.sleep(for: .seconds(1))
            #expect(rounds.withLock { $0.count } == 2)
        }
    }

    @Test("a signalled wakeup runs a round at once, not an interval later")
    func wakesWhenSignalled() async throws {
        let database = try await TestPostgres.freshDatabase()
        let rounds = Mutex(0)
        let wakeup = Wakeup()
        try await TestPostgres.withClient(database) { client in
            // An interval far longer than the test, and no due time: only the signal can bring a second round.
            let task = SingleReplicaTask(
                name: "test.single-replica-43", interval: .seconds(3600), client: client, logger: Logger(label: "test.single-replica"), wakeup: wakeup
            ) { _ in
                rounds.withLock { $0 += 1 }
                return .init(handled: 0)
            }
            let running = Task { try await task.run() }
            defer { running.cancel() }
            try await eventually("the first round", timeout: .seconds(30)) { rounds.withLock { $0 } >= 1 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(rounds.withLock { $0 } == 1, "no second round without a signal")
            wakeup.signal()
            try await eventually("a round after the signal", timeout: .seconds(30)) { rounds.withLock { $0 } >= 2 }
        }
    }
}
