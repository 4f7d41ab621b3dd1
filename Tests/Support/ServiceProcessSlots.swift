import Foundation
import Testing

/// Tests that start service executables take one of a few slots for their whole run.
///
/// Swift Testing runs every suite of every target at once. On two cores, a dozen suites each running two or three
/// service processes starve one another, and a wait that is ample on its own (a replica folding a stream, a group
/// rebalancing) times out. The slots bound that overlap; the other tests still run beside them.
public struct StartsServiceProcesses: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard !test.isSuite else { return try await function() }
        await ServiceProcessSlots.shared.acquire()
        do {
            try await function()
        } catch {
            await ServiceProcessSlots.shared.release()
            throw error
        }
        await ServiceProcessSlots.shared.release()
    }
}

extension Trait where Self == StartsServiceProcesses {
    /// The test starts service executables: it runs in one of `ServiceProcessSlots`' slots.
    public static var startsServiceProcesses: Self { StartsServiceProcesses() }
}

/// A counting semaphore over the process-starting tests; `KEPU_TEST_PROCESS_SLOTS` sets its size (default 3).
actor ServiceProcessSlots {
    static let shared = ServiceProcessSlots(
        slots: ProcessInfo.processInfo.environment["KEPU_TEST_PROCESS_SLOTS"].flatMap(Int.init).map { max(1, $0) } ?? 3)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
