import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import Testing

/// `kepu demo`, the real executable, against a real booking: it behaves as a frontend should, keeping each
/// booking's claim token and cancelling with it.
@Suite("kepu demo", .serialized, .startsServiceProcesses)
struct DemoToolTests {
    @Test("the demo's cancellations are accepted: it proves each booking with the token it kept, never a published secret")
    func demoCancelsWithItsTokens() async throws {
        let harness = try await BookingHarness.start()
        let run = try await runTool(
            "kepu",
            [
                "demo", "--rate", "60", "--duration", "15", "--booking-port", String(harness.service.httpPort), "--admin-token",
                ServiceProcess.adminToken,
            ],
            environment: ["KEPU_KAFKA_BOOTSTRAP_SERVERS": harness.cluster.bootstrapServers])
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        try await eventually("answers arrive") { harness.outcomes.all.count > 100 }
        let events = try harness.outcomes.all.map { try CloudEvent(kafkaMessage: $0) }
        let cancelled = events.filter { $0.type == BookingEventType.cancelled }
        let wrongToken = events.filter {
            $0.type == BookingEventType.rejected && String(decoding: $0.data, as: UTF8.self).contains("claim token does not match")
        }
        #expect(!cancelled.isEmpty, "the demo cancelled some of its bookings: \(run.output.suffix(500))")
        #expect(wrongToken.isEmpty, "\(wrongToken.count) cancellations with a wrong token")
        #expect(events.allSatisfy { !String(decoding: $0.data, as: UTF8.self).contains("claimToken") })
        #expect(await harness.stop() == 0)
    }
}
