import Synchronization
import Tracing

/// The trace contexts of batches this process applied lately, for work that follows from them later and in bulk
/// (metrics' snapshots: a round publishes what many batches changed). The runner notes a batch that continued a
/// trace inside its transaction, before the commit, so whatever sees the commit finds the context already noted;
/// the later work continues the latest of the last `window` and links the others. Not taken away: a round that
/// runs before a batch's groups are due must leave the context to the round that publishes them. Bounded: the
/// oldest are dropped (a trace is a sample of the path, not an account of every event).
public final class TracedCommits: Sendable {
    static let capacity = 64
    /// How long a context is offered: longer than a group waits for its snapshot (the interval, 1 s; busy, 5 s).
    public static let window = Duration.seconds(10)
    private let contexts = Mutex<[(context: ServiceContext, at: ContinuousClock.Instant)]>([])

    public init() {}

    func note(_ context: ServiceContext) {
        contexts.withLock { contexts in
            if contexts.count >= Self.capacity { contexts.removeFirst(contexts.count - Self.capacity + 1) }
            contexts.append((context, .now))
        }
    }

    /// The contexts noted within the last `window`, oldest first.
    public func recent() -> [ServiceContext] {
        let since = ContinuousClock.now - Self.window
        return contexts.withLock { contexts in
            contexts.removeAll { $0.at < since }
            return contexts.map(\.context)
        }
    }
}

extension BusTracing {
    /// Runs `body` in a span that continues the latest of `contexts` and links the others, and gives it the trace
    /// headers to put on what it publishes. Without tracing, or without a context to continue, `body` gets nil
    /// (a round that follows no traced batch opens no span).
    public static func continuing<Result>(
        _ contexts: [ServiceContext], operation: String, isolation: isolated (any Actor)? = #isolation,
        _ body: (TraceHeaders?) async throws -> Result
    ) async throws -> Result {
        guard isEnabled, let latest = contexts.last else { return try await body(nil) }
        let span = InstrumentationSystem.tracer.startSpan(operation, context: latest, ofKind: .producer)
        for context in contexts.dropLast().suffix(maxLinks) { span.addLink(SpanLink(context: context, attributes: [:])) }
        span.updateAttributes { $0["messaging.system"] = "kafka" }
        defer { span.end() }
        do {
            return try await ServiceContext.withValue(span.context) { try await body(TraceHeaders(span.context)) }
        } catch {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }
}
