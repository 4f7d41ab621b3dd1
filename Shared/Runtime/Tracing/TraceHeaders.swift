import KepuContracts
import Tracing

/// A trace context as the extension's two attributes: what the outbox keeps with a row and an event carries.
public struct TraceHeaders: Sendable, Hashable {
    public var traceParent: String
    public var traceState: String?

    /// The context of the span this task is in, when tracing is on and there is one.
    static func current() -> TraceHeaders? {
        guard BusTracing.isEnabled, let context = ServiceContext.current else { return nil }
        return TraceHeaders(context)
    }

    /// `context`'s trace as headers, if it has one.
    init?(_ context: ServiceContext) {
        var carrier = Carrier()
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: Carrier.Writer())
        guard let parent = TraceContext.traceParent(carrier.traceParent.map { Array($0.utf8) }) else { return nil }
        traceParent = parent
        traceState = TraceContext.traceState(carrier.traceState.map { Array($0.utf8) })
    }

    init(traceParent: String, traceState: String?) {
        self.traceParent = traceParent
        self.traceState = traceState
    }

    /// The context these headers continue (empty when the tracer cannot read them).
    var context: ServiceContext {
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(self, into: &context, using: Reader())
        return context
    }

    /// What the instrument writes: the W3C propagator's two keys.
    struct Carrier: Sendable {
        var traceParent: String?
        var traceState: String?

        struct Writer: Injector {
            func inject(_ value: String, forKey key: String, into carrier: inout Carrier) {
                switch key.lowercased() {
                case "traceparent": carrier.traceParent = value
                case "tracestate": carrier.traceState = value
                default: break
                }
            }
        }
    }

    struct Reader: Extractor {
        func extract(key: String, from carrier: TraceHeaders) -> String? {
            switch key.lowercased() {
            case "traceparent": carrier.traceParent
            case "tracestate": carrier.traceState
            default: nil
            }
        }
    }
}

extension CloudEvent {
    /// The trace this event continues, if it carries one.
    public var traceHeaders: TraceHeaders? {
        traceParent.map { TraceHeaders(traceParent: $0, traceState: traceState) }
    }

    /// Sets the extension's attributes (or clears them).
    public mutating func setTrace(_ headers: TraceHeaders?) {
        traceParent = headers?.traceParent
        traceState = headers?.traceState
    }
}
