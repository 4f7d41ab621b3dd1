import Logging
import ServiceLifecycle
import Synchronization

/// Work that runs once at start (migrations); others can wait for it to finish.
final class OneShot: Service, Sendable {
    private let work: @Sendable () async throws -> Void
    private let state = Mutex<(done: Bool, waiters: [CheckedContinuation<Bool, Never>], failed: Bool)>((false, [], false))
    let logger: Logger

    init(logger: Logger, _ work: @escaping @Sendable () async throws -> Void) {
        self.work = work
        self.logger = logger
    }

    func run() async throws {
        do {
            try await work()
            finish(success: true)
        } catch {
            finish(success: false)
            throw error
        }
    }

    private func finish(success: Bool) {
        let waiters = state.withLock { state in
            state.done = true
            state.failed = !success
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: success) }
    }

    /// True once the work succeeded; false if it failed.
    func wait() async -> Bool {
        await withCheckedContinuation { continuation in
            let result = state.withLock { state -> Bool? in
                if state.done { return !state.failed }
                state.waiters.append(continuation)
                return nil
            }
            if let result { continuation.resume(returning: result) }
        }
    }
}

/// Starts its services only after the gate succeeded; in the group they shut down together.
struct GatedServices: Service {
    let gate: OneShot
    let services: [any Service]

    func run() async throws {
        let proceed = await withGracefulShutdownHandler {
            await gate.wait()
        } onGracefulShutdown: {
        }
        guard proceed, !services.isEmpty else { return }
        guard !Task.isShuttingDownGracefully else { return }
        try await withThrowingDiscardingTaskGroup { group in
            for service in services {
                group.addTask { try await service.run() }
            }
        }
    }
}
