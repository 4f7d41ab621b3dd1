import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import Testing

@testable import MetricsService

@Suite("metric snapshots are published on change, at most once a second per key (real metrics process)", .startsServiceProcesses)
struct SnapshotCoalescingTests {
    @Test("under a steady stream of changes each key is published every second or more, never sooner, and ends on the final numbers")
    func coalesced() async throws {
        let closest = try await closestSnapshots(extra: [:], interval: 1000)
        #expect(closest < 2000, "a key changing all the time is published about every second (closest pair \(closest) ms)")
    }

    @Test("busy mode: while the replica folds more events a second than the threshold, keys are coalesced over the busy interval")
    func busy() async throws {
        let closest = try await closestSnapshots(
            // A threshold any batch crosses: the fold's pace under a loaded machine (the whole suite runs at once) must
            // not decide the outcome; busy mode itself is what is tested (the threshold arithmetic is tested below).
            extra: ["KEPU_METRICS_BUSY_EVENTS_PER_SECOND": "1", "KEPU_METRICS_BUSY_SNAPSHOT_INTERVAL_MS": "2500"], interval: 2500)
        #expect(closest < 4000, "closest pair \(closest) ms")
    }

    @Test("a change to a key with nothing pending is published when its batch commits, not at the publisher's next poll")
    func quietKeyPublishedOnChange() async throws {
        let cluster = try MetricsHarness.cluster()
        let database = try await TestPostgres.freshDatabase()
        // A ten-minute interval: the publisher polls every minute, so a snapshot within seconds comes from the fold
        // waking it.
        let service = try await MetricsHarness.start(database: database, cluster: cluster, extra: ["KEPU_METRICS_SNAPSHOT_INTERVAL_MS": "600000"])
        /// Whether a snapshot carries an event published at or after `since` (its `pendingSince`).
        func published(since: Date) async throws -> Bool {
            try await readTopic(Topics.metricSnapshots.name, cluster: cluster, atLeast: 1, quiet: .milliseconds(300)).contains { record in
                let snapshot = try? CloudEvent(kafkaMessage: record).decodeData(as: MetricSnapshot.self)
                return (snapshot?.pendingSince).map { $0 >= since } ?? false
            }
        }
        for (prefix, day) in [("first", 0), ("second", 10)] {
            // The second session is on another day: its day's groups are new, and nothing is pending anywhere.
            // In whole milliseconds, like the record times `pendingSince` is made of.
            let since = Date(timeIntervalSince1970: Double(Date().wholeMillisecondsSince1970) / 1000)
            let stream = SyntheticBookingEvents(
                sessions: 1, eventsPerSession: 5, firstDay: MetricsHarness.november2026.addingTimeInterval(Double(day) * 86_400), days: 1,
                prefix: prefix)
            try await publish(stream.events, to: cluster)
            try await eventually("the \(prefix) session's snapshots are published", timeout: .seconds(20)) { try await published(since: since) }
        }
        _ = await service.terminate()
    }

    @Test("busy above the threshold, for a busy interval after the last busy second; the rate counts the last second")
    func busyThreshold() {
        #expect(SnapshotPublisher.intervalMilliseconds(settings: .defaults, busy: false) == 1000)
        #expect(SnapshotPublisher.intervalMilliseconds(settings: .defaults, busy: true) == 5000)
        let rate = FoldRate(busyAbove: 2000)
        let start = ContinuousClock.now
        rate.note(1500, at: start)
        #expect(!rate.wasBusy(within: .seconds(5), at: start))
        rate.note(700, at: start + .milliseconds(600))
        #expect(rate.perSecond(at: start + .milliseconds(900)) == 2200)
        #expect(rate.perSecond(at: start + .milliseconds(1400)) == 700, "the first batch is more than a second old")
        rate.note(10, at: start + .milliseconds(2000))
        #expect(rate.wasBusy(within: .seconds(5), at: start + .milliseconds(5000)), "still busy a while after the busy second")
        #expect(!rate.wasBusy(within: .seconds(5), at: start + .milliseconds(5700)))
    }

    /// Runs metrics over about five seconds of changes; checks that every key's snapshots made while the changes
    /// came in are at least `interval` ms apart (any two at least a second), and that the last ones carry the final
    /// numbers; returns the closest pair's distance.
    private func closestSnapshots(extra: [String: String], interval: Int64) async throws -> Int64 {
        let cluster = try MetricsHarness.cluster()
        let database = try await TestPostgres.freshDatabase()
        let service = try await MetricsHarness.start(
            database: database, cluster: cluster, extra: ["KEPU_CONSUMER_BATCH_SIZE": "20"].merging(extra) { _, new in new })
        let stream = SyntheticBookingEvents(sessions: 4, eventsPerSession: 80, firstDay: MetricsHarness.november2026, days: 2, seed: 3)
        // About five seconds of changes, a slice every 100 ms.
        let slices = 50
        let perSlice = (stream.events.count + slices - 1) / slices
        for start in stride(from: 0, to: stream.events.count, by: perSlice) {
            try await publish(Array(stream.events[start..<min(stream.events.count, start + perSlice)]), to: cluster)
            try await Task.sleep(for: .milliseconds(100))
        }
        // After the load, the busy mode ends within a second and what is pending goes out at the normal interval.
        let loadEnded = Int64(Date().timeIntervalSince1970 * 1000)
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
        // Only counts that changed are published, in a group's first snapshot too: bookings change no activity count.
        #expect(byKey["sz|year:2026|activities_held"] == nil)
        #expect(byKey.keys.filter { $0.hasSuffix("|volunteers_registered") || $0.hasSuffix("|books_in_stock") }.isEmpty)
        // Published while the changes happened, not only at the end...
        let cityBookings = try #require(byKey["sz|year:2026|bookings_made"])
        #expect(cityBookings.count >= max(2, Int(4000 / interval)), "\(cityBookings.count) snapshots of the city's bookings over ~5 s of changes")
        // ...and never two of one key within a second, exactly: a round's record time is the time its groups are
        // marked published, in whole milliseconds.
        var closest = Int64.max
        for (key, snapshots) in byKey {
            let times = snapshots.map(\.time)
            for (earlier, later) in zip(times, times.dropFirst()) {
                closest = min(closest, later - earlier)
                #expect(later - earlier >= (later <= loadEnded ? interval : 1000), "\(key): snapshots \(later - earlier) ms apart")
            }
        }
        _ = await service.terminate()
        return closest
    }
}
