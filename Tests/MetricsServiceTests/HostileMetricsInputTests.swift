import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import Testing

/// Queries and upstream events built to crash metrics: each gets a clear answer (a 400, a dead letter), and the
/// process folds on.
@Suite("Metrics against hostile input", .serialized, .startsServiceProcesses)
struct HostileMetricsInputTests {
    @Test("periods that overflow the day arithmetic, unknown levels and NUL unit ids are 400s (or unknown), and metrics lives on")
    func hostileQueries() async throws {
        let cluster = try MetricsHarness.cluster()
        let database = try await TestPostgres.freshDatabase()
        let metrics = try await MetricsHarness.start(database: database, cluster: cluster)
        for path in [
            "/api/units?period=month:100000000000000000-01", "/api/units?period=week:9223372036854775807-W01",
            "/api/rankings?period=quarter:-9223372036854775808-Q1", "/report?period=year:99999", "/report.csv?period=day:9999999999-01-01",
            "/api/rankings?level=galaxy", "/api/trend?unit=sz&to=9223372036854775807-01-01",
        ] {
            let response = await metrics.get(path)
            #expect(response?.status == 400, "\(path): \(String(describing: response))")
        }
        #expect(await metrics.get("/api/kpis?unit=sz%00")?.status == 404)
        #expect(await metrics.get("/api/units/sz%00/children")?.status == 404)
        #expect(await metrics.get("/health/ready")?.status == 200, "still up: \(metrics.log.suffix(2000))")
        #expect(await metrics.terminate() == 0)
        cluster.stop()
    }

    @Test("a forged cancellation freeing Int.min seats is dead-lettered at decode, and the events after it are folded")
    func forgedEvent() async throws {
        let cluster = try MetricsHarness.cluster()
        let database = try await TestPostgres.freshDatabase()
        let metrics = try await MetricsHarness.start(database: database, cluster: cluster)
        let stream = SyntheticBookingEvents(sessions: 20, eventsPerSession: 10, firstDay: MetricsHarness.november2026, days: 10)
        let session = String(decoding: try #require(stream.events.first?.key), as: UTF8.self)
        let forged = CloudEvent(
            source: "/kepu/booking", type: BookingEventType.cancelled,
            data: Array(#"{"requestId":"x","bookingId":"b","sessionId":"\#(session)","seatsFreed":\#(Int.min),"late":false}"#.utf8))
        let records =
            Array(stream.events.prefix(5)) + [forged.kafkaMessage(topic: Topics.bookingEvents.name, key: session)]
            + Array(stream.events.dropFirst(5))
        try await publish(records, to: cluster)
        try await eventually("every record folded or dead-lettered") { try await MetricsHarness.folded(database) == records.count }
        let letters = try await readTopic("kepu.metrics.dlq.v1", cluster: cluster, atLeast: 1).compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(letters.map(\.errorCode) == ["invalid_payload"])
        #expect(letters.first?.error.contains("seatsFreed") == true)
        let city = try await MetricsHarness.counters(database, unit: "sz", kind: "year", key: "2026")
        #expect(city["seats_booked"] == stream.cityTotals["seats_booked"], "the forged record changed nothing")
        #expect(await metrics.terminate() == 0, "no crash: \(metrics.log.suffix(2000))")
        cluster.stop()
    }
}
