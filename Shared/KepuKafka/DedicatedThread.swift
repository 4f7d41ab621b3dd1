import Foundation
import Synchronization

/// Runs blocking librdkafka calls (flush, close, metadata, commit) on a thread of their own, so the cooperative
/// pool never blocks. These calls are rare; the hot paths use the clients' long-lived polling threads.
func onDedicatedThread<T: Sendable>(
    name: String = "kepu-kafka-blocking", _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.name = name
        thread.start()
    }
}

/// A long-lived thread running `body` until `stop()`; `stop()` waits until it has returned.
final class PollingThread: Sendable {
    private let running = Atomic(true)
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, _ body: @escaping @Sendable (_ isRunning: () -> Bool) -> Void) {
        let thread = Thread { [self] in
            body { self.running.load(ordering: .acquiring) }
            self.finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the loop to end and waits for it. Blocks: call from a dedicated thread or a deinit.
    func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        finished.wait()
    }
}
