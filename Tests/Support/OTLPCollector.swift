import Foundation
import Hummingbird
import KepuTooling
import Synchronization

/// An OpenTelemetry collector in the test's process: an OTLP/HTTP receiver (`POST /v1/traces`, JSON encoding) that
/// keeps every span the services export. The services run as they would against a real collector
/// (`OTEL_EXPORTER_OTLP_ENDPOINT`, `environment`), with swift-otel's exporter.
public final class OTLPCollector: Sendable {
    /// A span as exported: ids in lowercase hex.
    public struct Span: Sendable, CustomStringConvertible {
        public let service: String
        public let traceId: String
        public let spanId: String
        /// Empty for a root span.
        public let parentSpanId: String
        public let name: String
        /// OTLP's `SpanKind`: 2 server, 3 client, 4 producer, 5 consumer.
        public let kind: Int
        public let links: [(traceId: String, spanId: String)]
        public let attributeKeys: Set<String>

        public var description: String { "\(service) \(name) \(spanId) ← \(parentSpanId.isEmpty ? "root" : parentSpanId)" }
    }

    public let port: Int
    /// What the receiver's route and the test share.
    private final class Received: Sendable {
        let spans = Mutex<[Span]>([])
    }
    private let received = Received()
    private let server: Task<Void, any Error>

    /// The variables that make a service export its spans here, at once.
    public var environment: [String: String] {
        [
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(port)", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
        ]
    }

    public init() async throws {
        let port = freePort()
        self.port = port
        let router = Router()
        let received = received
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            let spans = try OTLPCollector.spans(fromJSON: Data(buffer: body))
            received.spans.withLock { $0 += spans }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
        server = Task { try await application.runService() }
        try await eventually("the OTLP collector listening on \(port)") { await httpGet(port: port, path: "/")?.status != nil }
    }

    /// Every span received so far.
    public var spans: [Span] { received.spans.withLock { $0 } }

    /// The spans of `traceId` once `done` holds for them.
    public func spans(
        inTrace traceId: String, timeout: Duration = .seconds(60), until done: @escaping @Sendable ([Span]) -> Bool
    ) async throws -> [Span] {
        try await eventually("the spans of trace \(traceId)", timeout: timeout) {
            done(self.spans.filter { $0.traceId == traceId })
        }
        return spans.filter { $0.traceId == traceId }
    }

    public func stop() {
        server.cancel()
    }

    /// Reads an `ExportTraceServiceRequest` in OTLP's JSON encoding. Ids are hex by the specification; base64 (the
    /// protobuf JSON mapping's own encoding of bytes) is read too.
    static func spans(fromJSON data: Data) throws -> [Span] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw TestSetupError("OTLP body is not an object") }
        func id(_ value: Any?, bytes: Int) -> String {
            guard let text = value as? String, !text.isEmpty else { return "" }
            if text.count == bytes * 2, text.allSatisfy(\.isHexDigit) { return text.lowercased() }
            guard let decoded = Data(base64Encoded: text) else { return text }
            return decoded.map { String(format: "%02x", $0) }.joined()
        }
        var spans: [Span] = []
        for resourceSpans in root["resourceSpans"] as? [[String: Any]] ?? [] {
            let attributes = (resourceSpans["resource"] as? [String: Any])?["attributes"] as? [[String: Any]] ?? []
            let service =
                attributes.first { $0["key"] as? String == "service.name" }
                .flatMap { ($0["value"] as? [String: Any])?["stringValue"] as? String } ?? ""
            for scopeSpans in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scopeSpans["spans"] as? [[String: Any]] ?? [] {
                    let links = (span["links"] as? [[String: Any]] ?? []).map { (id($0["traceId"], bytes: 16), id($0["spanId"], bytes: 8)) }
                    let keys = Set((span["attributes"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String })
                    spans.append(
                        Span(
                            service: service, traceId: id(span["traceId"], bytes: 16), spanId: id(span["spanId"], bytes: 8),
                            parentSpanId: id(span["parentSpanId"], bytes: 8), name: span["name"] as? String ?? "",
                            kind: (span["kind"] as? Int) ?? 0, links: links, attributeKeys: keys))
                }
            }
        }
        return spans
    }
}
