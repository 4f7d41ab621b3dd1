import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import KepuTestSupport
import KepuTooling
import Testing

/// Tracing across the bus, with the real executables exporting to a collector in the test's process: a
/// frontend's request, booking's answer and metrics' snapshot are one trace, and an admin request's trace reaches
/// the events it caused.
@Suite("Tracing across the bus", .serialized, .startsServiceProcesses)
struct TracingTests {
    static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    static func traceParent(of message: KafkaConsumerMessage) -> String {
        String(decoding: message.headers.value(named: "ce_traceparent") ?? [], as: UTF8.self)
    }

    @Test("a request's trace: the frontend's span → booking's processing and transaction → its answer → metrics' fold → the snapshot")
    func requestToSnapshot() async throws {
        let collector = try await OTLPCollector()
        defer { collector.stop() }
        let harness = try await BookingHarness.start(environment: collector.environment)
        let metricsDatabase = try await TestPostgres.freshDatabase()
        let metrics = try ServiceProcess(
            "metrics", database: metricsDatabase, bootstrap: harness.cluster.bootstrapServers, extra: collector.environment)
        try await metrics.waitUntilReady()
        let snapshots = try TopicCollector(topic: Topics.metricSnapshots.name, bootstrap: harness.cluster.bootstrapServers)
        let session = try await harness.session()
        // The session's own event (the admin request's trace) is folded and published first: a round continues the
        // latest batch it follows, and that must be the request's, not the session's folded just after it.
        _ = try await snapshots.first(timeout: .seconds(60)) {
            String(decoding: $0.key ?? [], as: UTF8.self).hasSuffix("|seats_offered")
        }

        // The frontend's span, as its Kafka instrumentation would send it.
        let traceId = Self.randomHex(bytes: 16)
        let frontendSpan = Self.randomHex(bytes: 8)
        var request = BookingHarness.seats("traced-1", session: session)
        request.headers.append(KafkaHeader(name: "ce_traceparent", string: "00-\(traceId)-\(frontendSpan)-01"))
        try await harness.publish(request)

        let answer = try await harness.outcomes.first(timeout: .seconds(30)) {
            ((try? JSONSerialization.jsonObject(with: Data($0.value))) as? [String: Any])?["requestId"] as? String == "traced-1"
        }
        #expect(Self.traceParent(of: answer).hasPrefix("00-\(traceId)-"), "the answer continues the request's trace")
        let snapshot = try await snapshots.first(timeout: .seconds(60)) { Self.traceParent(of: $0).contains(traceId) }

        let snapshotSpan = Self.traceParent(of: snapshot).split(separator: "-").dropFirst(2).first.map(String.init) ?? ""
        let spans = try await collector.spans(inTrace: traceId) { spans in
            spans.contains { $0.spanId == snapshotSpan && $0.name == "send \(Topics.metricSnapshots.name)" }
                && spans.contains { $0.service == "booking" && $0.name == "send \(Topics.bookingEvents.name)" }
                && spans.contains { $0.service == "metrics" && $0.kind == 5 }
        }
        let bookingProcess = try #require(
            spans.first { $0.service == "booking" && $0.kind == 5 && $0.parentSpanId == frontendSpan }, "booking's processing: \(spans)")
        let bookingApply = try #require(
            spans.first { $0.service == "booking" && $0.name == "apply requests" && $0.parentSpanId == bookingProcess.spanId },
            "booking's transaction: \(spans)")
        let bookingSend = try #require(
            spans.first {
                $0.service == "booking" && $0.kind == 4 && $0.parentSpanId == bookingApply.spanId && $0.name.hasSuffix(Topics.bookingEvents.name)
            },
            "booking's outbox publish: \(spans)")
        #expect(Self.traceParent(of: answer) == "00-\(traceId)-\(bookingSend.spanId)-01", "the answer's record names the publish span")
        let metricsProcess = try #require(
            spans.first { $0.service == "metrics" && $0.kind == 5 && $0.parentSpanId == bookingSend.spanId }, "metrics' fold: \(spans)")
        let metricsApply = try #require(
            spans.first { $0.service == "metrics" && $0.name.hasPrefix("apply ") && $0.parentSpanId == metricsProcess.spanId },
            "metrics' transaction: \(spans)")
        // Every round until a later batch is folded continues this one (a round may find the batch's groups still
        // locked and leave them to the next): the snapshot names the round that published it.
        let snapshotSend = try #require(spans.first { $0.spanId == snapshotSpan }, "the snapshot round: \(spans)")
        #expect(snapshotSend.service == "metrics" && snapshotSend.kind == 4 && snapshotSend.parentSpanId == metricsApply.spanId, "\(snapshotSend)")
        #expect(bookingProcess.attributeKeys.isSuperset(of: ["messaging.system", "messaging.consumer.group.name"]))
        // Nothing in the trace holds the request's contact details or its payload.
        #expect(spans.allSatisfy { span in span.attributeKeys.allSatisfy { !$0.contains("contact") && !$0.contains("payload") } })

        // An admin request continues its caller's trace to the events it caused; the route, not the path, names it.
        let adminTrace = Self.randomHex(bytes: 16)
        let caller = Self.randomHex(bytes: 8)
        let created = await httpRequest(
            port: harness.service.httpPort, method: "POST", path: "/admin/sessions/\(session)/close",
            headers: [
                "Authorization": "Bearer \(ServiceProcess.adminToken)", "Content-Type": "application/json",
                "traceparent": "00-\(adminTrace)-\(caller)-01",
            ], body: "{}")
        #expect(created?.status == 200, "closing the session: \(String(describing: created))")
        let adminSpans = try await collector.spans(inTrace: adminTrace) { spans in spans.contains { $0.kind == 4 } }
        let server = try #require(adminSpans.first { $0.kind == 2 && $0.parentSpanId == caller }, "the server span: \(adminSpans)")
        #expect(server.name.hasPrefix("HTTP POST /admin/sessions/"), "named by its route: \(server.name)")
        #expect(!server.name.contains(session), "the route's template, not the session's id: \(server.name)")
        #expect(server.attributeKeys.isDisjoint(with: ["url.path", "url.query"]))
        #expect(adminSpans.contains { $0.kind == 4 && $0.parentSpanId == server.spanId }, "the event it caused: \(adminSpans)")

        await snapshots.stop()
        #expect(await metrics.terminate() == 0)
        #expect(await harness.stop() == 0)
    }
}
