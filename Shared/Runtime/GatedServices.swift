import Logging
import ServiceLifecycle

/// Work that runs once at start (migrations); others can wait for it to finish.
final class OneShot: Service, Sendable {
    private let work: @Sendable () async throws -> Void
    /// Opened with whether the work succeeded.
    private let finished = Latch<Bool>()
    let logger: Logger

    init(logger: Logger, _ work: @escaping @Sendable () async throws -> Void) {
        self.work = work
        self.logger = logger
    }

    func run() async throws {
        do {
            try await work()
            finished.open(with: true)
        } catch {
            finished.open(with: false)
            throw error
        }
    }

    /// True once the work succeeded; false if it failed.
    func wait() async -> Bool { await finished.wait() }
}

/// Starts its services only after the gate succeeded; in the group they shut down together.
struct GatedServices: Service {
    let gate: OneShot
    let services: [any Service]

    func run() async throws {
        let proceed = await withGracefulShutdownHandler {
            await gate.wait()
        } onGracefulShutdown: {}
        guard proceed, !services.isEmpty else { return }
        guard !Task.isShuttingDownGracefully else { return }
        try await withThrowingDiscardingTaskGroup { group in
            for service in services {
                group.addTask { try await service.run() }
            }
        }
    }
}
