import KepuDomain
import Synchronization
import Testing

@testable import MetricsService

@Suite("the report cache: one computation per period, kept for its lifetime, bounded")
struct ReportCacheTests {
    let year = ReportingPeriod(kind: .year, key: "2025")
    let pilot = ReportingPeriod(kind: .phase, key: "pilot")

    /// Counts computations; each returns its own number.
    final class Computations: Sendable {
        let count = Mutex(0)
        func next() -> Int {
            count.withLock {
                $0 += 1
                return $0
            }
        }
        var total: Int { count.withLock { $0 } }
    }

    /// A door computations wait at until the test opens it.
    final class Gate: Sendable {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        func wait() async { for await _ in stream { return } }
        func open() { continuation.finish() }
    }

    @Test("requests for a period being computed share the computation; later ones get it kept")
    func shared() async throws {
        let cache = ReportCache<Int>(lifetime: .seconds(3600))
        let computations = Computations()
        let gate = Gate()
        let year = year
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await cache.value(for: year) {
                        await gate.wait()
                        return computations.next()
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            gate.open()
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values == Array(repeating: 1, count: 8))
        #expect(try await cache.value(for: year) { computations.next() } == 1)
        #expect(computations.total == 1)
        #expect(try await cache.value(for: pilot) { computations.next() } == 2, "another period is its own")
    }

    @Test("a zero lifetime computes every request; a failure is not kept")
    func lifetimeAndFailure() async throws {
        let uncached = ReportCache<Int>(lifetime: .zero)
        let computations = Computations()
        #expect(try await uncached.value(for: year) { computations.next() } == 1)
        #expect(try await uncached.value(for: year) { computations.next() } == 2)

        struct Failed: Error {}
        let cache = ReportCache<Int>(lifetime: .seconds(3600))
        await #expect(throws: Failed.self) { try await cache.value(for: year) { throw Failed() } }
        #expect(try await cache.value(for: year) { computations.next() } == 3, "computed again after the failure")
    }

    @Test("past the limit of computations at once a request is refused, not queued; past the capacity the oldest goes")
    func bounded() async throws {
        let cache = ReportCache<Int>(lifetime: .seconds(3600), capacity: 2, concurrentLimit: 1)
        let computations = Computations()
        let gate = Gate()
        let year = year
        let started = Gate()
        let slow = Task {
            try await cache.value(for: year) {
                started.open()
                await gate.wait()
                return computations.next()
            }
        }
        await started.wait()
        await #expect(throws: ReportCache<Int>.Busy.self) { try await cache.value(for: pilot) { computations.next() } }
        gate.open()
        #expect(try await slow.value == 1)
        #expect(try await cache.value(for: pilot) { computations.next() } == 2)
        #expect(try await cache.value(for: ReportingPeriod(kind: .year, key: "2024")) { computations.next() } == 3)
        // Capacity 2: the oldest (the year 2025) was dropped for 2024, and is computed again.
        #expect(try await cache.value(for: year) { computations.next() } == 4)
        #expect(try await cache.value(for: ReportingPeriod(kind: .year, key: "2024")) { computations.next() } == 3)
    }
}
