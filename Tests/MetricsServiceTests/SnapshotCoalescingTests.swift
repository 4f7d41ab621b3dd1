import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import Testing

@testable import MetricsService

@Suite("metric snapshots are published on change, at most once a second per key (real metrics process)")
struct SnapshotCoalescingTests {
    @Test("under a steady stream of changes each key is published every second or more, never sooner, and ends on the final numbers")
    func coalesced() async throws {
        let cluster = try MetricsHarness.cluster()
        let database = try await TestPostgres.freshDatabase()
        let service = try await MetricsHarness.start(database: database, cluster: cluster, extra: ["KEPU_CONSUMER_BATCH_SIZE": "20"])
        let stream = SyntheticBookingEvents(sessions: 4, eventsPerSession: 80, firstDay: MetricsHarness.november2026, days: 2, seed: 3)
        // About five seconds of changes, a slice every 100 ms.
        let slices = 50
        let perSlice = (stream.events.count + slices - 1) / slices
        for start in stride(from: 0, to: stream.events.count, by: perSlice) {
            try await publish(Array(stream.events[start..<min(stream.events.count, start + perSlice)]), to: cluster)
            try await Task.sleep(for: .milliseconds(100))
        }
        try await eventually("the stream is folded") { try await MetricsHarness.folded(database) == stream.events.count }
        let city = try await MetricsHarness.counters(database, unit: "sz", kind: "year", key: "2026")

        var byKey: [String: [(time: Int64, snapshot: MetricSnapshot)]] = [:]
        try await eventually("the final city numbers are on the topic", timeout: .seconds(20)) {
            byKey = [:]
            for record in try await readTopic(Topics.metricSnapshots.name, cluster: cluster, atLeast: 1, quiet: .milliseconds(500)) {
                let snapshot = try CloudEvent(kafkaMessage: record).decodeData(as: MetricSnapshot.self)
                byKey[snapshot.key, default: []].append((try #require(record.timestamp), snapshot))
            }
            return byKey["sz|year:2026|bookings_made"]?.last?.snapshot.value == Double(city["bookings_made"] ?? -1)
        }
        #expect(byKey["sz|year:2026|seats_booked"]?.last?.snapshot.value == Double(city["seats_booked"] ?? -1))
        // Published while the changes happened, not only at the end...
        let cityBookings = try #require(byKey["sz|year:2026|bookings_made"])
        #expect(cityBookings.count >= 3, "\(cityBookings.count) snapshots of the city's bookings over ~5 s of changes")
        // ...and never two of one key within a second (record times are whole milliseconds).
        var closest = Int64.max
        for (key, snapshots) in byKey {
            let times = snapshots.map(\.time)
            for (earlier, later) in zip(times, times.dropFirst()) {
                closest = min(closest, later - earlier)
                #expect(later - earlier >= 999, "\(key): snapshots \(later - earlier) ms apart")
            }
        }
        #expect(closest < 1500, "a key changing all the time is published about every second (closest pair \(closest) ms)")
        _ = await service.terminate()
    }
}
