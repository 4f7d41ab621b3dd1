import KepuDomain
import Logging
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

/// Tracing across the bus: a request from a frontend to booking's answer to metrics' snapshot is one trace. The
/// trace context travels in each event's CloudEvents distributed-tracing extension (`ce_traceparent`,
/// `ce_tracestate`), is kept with each outbox row, and the runtime opens the spans: HTTP requests, each consumed
/// batch's processing (`ConsumerRunner`) and each outbox publish (`OutboxRelay`).
///
/// Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: then spans are exported
/// over OTLP/HTTP by swift-otel, configured further by the standard `OTEL_*` variables. Off, the runtime starts no
/// span and reads no context (the benchmarks' code paths stay as they were), but an event's trace context is still
/// handed on where it is at hand (an outbox row written with one is published with it).
public enum BusTracing {
    private static let enabled = Atomic(false)

    /// Whether this process exports spans: set once at start, before anything is consumed or served.
    public static var isEnabled: Bool { enabled.load(ordering: .relaxed) }

    /// Whether `environment` asks for spans to be exported.
    public static func isRequested(in environment: [String: String]) -> Bool {
        let endpoint = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"].contains { !(environment[$0] ?? "").isEmpty }
        return endpoint && environment["OTEL_SDK_DISABLED"]?.lowercased() != "true" && environment["OTEL_TRACES_EXPORTER"]?.lowercased() != "none"
    }

    /// Bootstraps the process's tracer with swift-otel's OTLP/HTTP exporter, if `environment` asks for it; returns
    /// the exporter's service (to run first in the service group, so it is stopped last and flushes the spans of
    /// the shutdown), or nil when tracing stays off. Once per process: a second call finds it on and adds nothing.
    static func bootstrap(service: ServiceName, environment: [String: String], logger: Logger) throws -> (any Service)? {
        guard isRequested(in: environment), !enabled.load(ordering: .acquiring) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = service.rawValue
        configuration.logs.enabled = false
        // Metrics stay with Prometheus (`/metrics`).
        configuration.metrics.enabled = false
        configuration.traces.exporter = .otlp
        // The gRPC exporter is not built (Package.swift); `OTEL_EXPORTER_OTLP_PROTOCOL=http/json` still applies.
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.diagnosticLogger = .custom(logger)
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        enabled.store(true, ordering: .releasing)
        logger.info("tracing on: spans exported over OTLP/HTTP")
        return backend.service
    }
}
