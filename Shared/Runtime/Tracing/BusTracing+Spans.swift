import KepuContracts
import Tracing

extension BusTracing {
    /// At most so many of a batch's other events are linked to its span (a bulk fold's batch holds thousands).
    static let maxLinks = 32

    /// The span a consumed batch is applied in (OpenTelemetry's messaging conventions for a batch): a child of its
    /// first traced event's context, linked to the next traced ones; a root span if none is traced. Nil when
    /// tracing is off.
    static func processSpan(handler: String, consumer: String, events: some Sequence<CloudEvent>, count: Int) -> (any Span)? {
        guard isEnabled else { return nil }
        var parent: ServiceContext?
        var links: [ServiceContext] = []
        for event in events {
            guard let headers = event.traceHeaders else { continue }
            if parent == nil {
                parent = headers.context
            } else if links.count < maxLinks {
                links.append(headers.context)
            } else {
                break
            }
        }
        let span = InstrumentationSystem.tracer.startSpan("process \(handler)", context: parent ?? .topLevel, ofKind: .consumer)
        for link in links { span.addLink(SpanLink(context: link, attributes: [:])) }
        span.updateAttributes { attributes in
            attributes["messaging.system"] = "kafka"
            attributes["messaging.operation.type"] = "process"
            attributes["messaging.consumer.group.name"] = SpanAttribute.string(consumer)
            attributes["messaging.batch.message_count"] = SpanAttribute.int64(Int64(count))
        }
        return span
    }

    /// The span one record is published in, continuing the trace its outbox row was written in. Nil when tracing
    /// is off.
    static func publishSpan(topic: String, continuing headers: TraceHeaders) -> (any Span)? {
        guard isEnabled else { return nil }
        let span = InstrumentationSystem.tracer.startSpan("send \(topic)", context: headers.context, ofKind: .producer)
        span.updateAttributes { attributes in
            attributes["messaging.system"] = "kafka"
            attributes["messaging.operation.type"] = "send"
            attributes["messaging.destination.name"] = SpanAttribute.string(topic)
        }
        return span
    }

    /// Runs `body` with `span` as the task's current context (what `emit`'s outbox rows carry), or as it is
    /// without one.
    static func within<Result>(
        _ span: (any Span)?, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Result
    ) async rethrows -> Result {
        guard let span else { return try await body() }
        return try await ServiceContext.withValue(span.context) { try await body() }
    }

    /// The span of one transaction applying commands (inbox or offsets, the handler, the outbox), inside the batch's
    /// `process` span; a batch narrowed down by halves has one per transaction. Nil when tracing is off.
    static func applySpan(handler: String, commands: Int) -> (any Span)? {
        guard isEnabled else { return nil }
        let span = InstrumentationSystem.tracer.startSpan("apply \(handler)", ofKind: .internal)
        span.updateAttributes { $0["kepu.commands"] = SpanAttribute.int64(Int64(commands)) }
        return span
    }
}
