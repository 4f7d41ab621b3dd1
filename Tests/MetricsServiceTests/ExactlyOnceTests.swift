import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import KepuTestSupport
import Logging
import Testing

@testable import MetricsService

@Suite("metrics counts every booking event exactly once (real metrics process, PostgreSQL, embedded cluster)", .startsServiceProcesses)
struct ExactlyOnceTests {
    @Test("a kill mid-stream, a rebuild from scratch and a replay from offset 0 all end with the exact numbers")
    func killRebuildReplay() async throws {
        let cluster = try MetricsHarness.cluster()
        // Sessions over November and December 2026 (Shanghai), so all of it counts in year 2026.
        let stream = SyntheticBookingEvents(sessions: 120, eventsPerSession: 50, firstDay: MetricsHarness.november2026, days: 60)
        try await publish(stream.events, to: cluster)
        let total = stream.events.count

        // Live: killed part-way through, restarted, and left to finish.
        let live = try await TestPostgres.freshDatabase()
        let first = try await MetricsHarness.start(database: live, cluster: cluster)
        try await eventually("the first replica has folded part of the stream") { try await MetricsHarness.folded(live) >= 500 }
        await first.kill()
        let atKill = try await MetricsHarness.folded(live)
        #expect(atKill < total, "killed mid-stream (\(atKill) of \(total) folded)")
        let second = try await MetricsHarness.start(database: live, cluster: cluster)
        try await eventually("the restarted replica has folded the whole stream", timeout: .seconds(180)) {
            try await MetricsHarness.folded(live) == total
        }

        // The exact count of the stream, for the city over the year.
        let city = try await MetricsHarness.counters(live, unit: "sz", kind: "year", key: "2026")
        for (kpi, expected) in stream.cityTotals {
            #expect(city[kpi] == expected, "\(kpi): \(city[kpi] ?? 0) counted, \(expected) in the stream")
        }
        // Months add up to the year; districts add up to the city.
        let november = try await MetricsHarness.counters(live, unit: "sz", kind: "month", key: "2026-11")
        let december = try await MetricsHarness.counters(live, unit: "sz", kind: "month", key: "2026-12")
        #expect((november["seats_booked"] ?? 0) + (december["seats_booked"] ?? 0) == city["seats_booked"])
        var districtSum: Int64 = 0
        for district in 0..<4 {
            districtSum += try await MetricsHarness.counters(live, unit: "sz-d\(district)", kind: "year", key: "2026")["bookings_made"] ?? 0
        }
        #expect(districtSum == city["bookings_made"])
        let liveRows = try await MetricsHarness.counterRows(live)
        #expect(liveRows.count > 1000)

        // The snapshot topic ends with the same numbers, rates with both parts.
        let snapshots = try await readTopic(Topics.metricSnapshots.name, cluster: cluster, atLeast: 1)
        var latest: [String: MetricSnapshot] = [:]
        for record in snapshots {
            let snapshot = try CloudEvent(kafkaMessage: record).decodeData(as: MetricSnapshot.self)
            #expect(record.key.map { String(decoding: $0, as: UTF8.self) } == snapshot.key)
            latest[snapshot.key] = snapshot
        }
        try await eventually("the latest city snapshots match the counters") {
            let records = try await readTopic(Topics.metricSnapshots.name, cluster: cluster, atLeast: 1, quiet: .seconds(1))
            for record in records { if let s = try? CloudEvent(kafkaMessage: record).decodeData(as: MetricSnapshot.self) { latest[s.key] = s } }
            return latest["sz|year:2026|seats_booked"]?.value == Double(city["seats_booked"] ?? -1)
                && latest["sz|year:2026|fill_rate"]?.denominator == city["seats_offered"]
                && latest["sz|year:2026|fill_rate"]?.numerator == city["seats_booked"]
        }
        #expect(latest["sz|year:2026|fill_rate"]?.unitLevel == "city")
        #expect(latest["sz-d0-s0|month:2026-11|bookings_made"]?.unitPath == ["sz", "sz-d0", "sz-d0-s0"])
        _ = await second.terminate()

        // Rebuild: a fresh database, the same consumer group: it starts from offset 0 and reaches the same rows.
        let rebuilt = try await TestPostgres.freshDatabase()
        let rebuilder = try await MetricsHarness.start(database: rebuilt, cluster: cluster)
        try await eventually("the rebuild has folded the whole stream", timeout: .seconds(120)) { try await MetricsHarness.folded(rebuilt) == total }
        #expect(try await MetricsHarness.counterRows(rebuilt) == liveRows)
        _ = await rebuilder.terminate()

        // Replay: a consumer in a new group reads every record again from offset 0 into the live database.
        let metrics = ServiceMetrics()
        let logger = Logger(label: "replay")
        let database = Database(settings: live, poolSize: 2, logger: logger)
        let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers))
        let consumer = try KafkaConsumer(configuration: .consumer(bootstrapServers: cluster.bootstrapServers, groupId: "replay-\(UUID())"))
        let runner = ConsumerRunner(
            handler: BookingEventsHandler(sessions: SessionCache()), consumer: consumer, producer: producer, client: database.client,
            consumerId: "metrics.booking-events", deadLetterTopic: "kepu.metrics.dlq.v1", batchSize: 500, batchWait: .milliseconds(20),
            metrics: metrics, logger: logger)
        let running = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await database.run() }
                group.addTask { try await runner.run() }
                try await group.next()
            }
        }
        try await eventually("the replay has seen every record", timeout: .seconds(120)) {
            let text = String(decoding: metrics.render(), as: UTF8.self)
            let line = text.split(separator: "\n").first { $0.contains("kepu_handler_events_total") && $0.contains("outcome=\"duplicate\"") }
            return line.flatMap { Int($0.split(separator: " ").last ?? "") } == total
        }
        #expect(try await MetricsHarness.counterRows(live) == liveRows, "the replay changed nothing")
        running.cancel()
        await consumer.close()
        await producer.shutdown()
    }

    @Test("an event sent again upstream (same id, a later offset) counts once, also after a restart refilled the window")
    func upstreamResends() async throws {
        let cluster = try MetricsHarness.cluster()
        let stream = SyntheticBookingEvents(sessions: 40, eventsPerSession: 50, firstDay: MetricsHarness.november2026, days: 30, seed: 11)
        let events = stream.events
        try await publish(events, to: cluster)
        var published = events.count
        func expectExact(_ database: DatabaseSettings, _ when: String) async throws {
            let city = try await MetricsHarness.counters(database, unit: "sz", kind: "year", key: "2026")
            for (kpi, expected) in stream.cityTotals {
                #expect(city[kpi] == expected, "\(when): \(kpi): \(city[kpi] ?? 0) counted, \(expected) in the stream")
            }
        }

        let live = try await TestPostgres.freshDatabase()
        let first = try await MetricsHarness.start(database: live, cluster: cluster)
        try await eventually("the stream is folded", timeout: .seconds(120)) { try await MetricsHarness.folded(live) == published }
        // What booking's outbox relay does after a crash between Kafka's acknowledgement and its commit: the last
        // events once more, same ids and keys, at later offsets.
        let resent = Array(events.suffix(400))
        try await publish(resent, to: cluster)
        published += resent.count
        try await eventually("the resent records are read", timeout: .seconds(60)) { try await MetricsHarness.folded(live) == published }
        try await expectExact(live, "resent while running")

        // More resends while metrics is down: the restarted replica refills its window from the records before its
        // stored offset, so it recognises them too.
        await first.kill()
        let resentWhileDown = Array(events[1000..<1400]) + Array(events.suffix(100))
        try await publish(resentWhileDown, to: cluster)
        published += resentWhileDown.count
        let second = try await MetricsHarness.start(database: live, cluster: cluster)
        try await eventually("the restarted replica read the resends", timeout: .seconds(180)) { try await MetricsHarness.folded(live) == published }
        try await expectExact(live, "resent while down")
        _ = await second.terminate()

        // The same log without the window (small batches, so the copies seldom meet in one batch) counts them twice:
        // the checks above can fail.
        let unguarded = try await TestPostgres.freshDatabase()
        let third = try await MetricsHarness.start(
            database: unguarded, cluster: cluster, extra: ["KEPU_CONSUMER_DEDUPE_WINDOW": "0", "KEPU_CONSUMER_BATCH_SIZE": "50"])
        try await eventually("the unguarded rebuild folded the log", timeout: .seconds(120)) {
            try await MetricsHarness.folded(unguarded) == published
        }
        let doubled = try await MetricsHarness.counters(unguarded, unit: "sz", kind: "year", key: "2026")
        #expect((doubled["bookings_made"] ?? 0) > (stream.cityTotals["bookings_made"] ?? 0), "without the window the resends count again")
        _ = await third.terminate()
    }

    @Test("records that can never be counted go to the dead-letter topic once: their offsets are stored, so a restart does not send them again")
    func poisonOnce() async throws {
        let cluster = try MetricsHarness.cluster()
        let stream = SyntheticBookingEvents(sessions: 5, eventsPerSession: 20, firstDay: MetricsHarness.november2026, days: 5, seed: 5)
        let key = "syn-session-0" // a session of the stream, and one partition for the poison and what follows it
        let topic = Topics.bookingEvents.name
        let unreadable = CloudEvent(source: "/kepu/booking", type: BookingEventType.confirmed, data: Array("{not json".utf8))
        let poison = [
            unreadable.kafkaMessage(topic: topic, key: key),
            KafkaProducerMessage(topic: topic, key: Array(key.utf8), value: Array("no envelope".utf8)),
        ]
        try await publish(stream.events + poison, to: cluster)
        let database = try await TestPostgres.freshDatabase()
        let first = try await MetricsHarness.start(database: database, cluster: cluster)
        let total = stream.events.count + poison.count
        try await eventually("everything read, the poison included") { try await MetricsHarness.folded(database) == total }
        let letters = try await readTopic("kepu.metrics.dlq.v1", cluster: cluster, atLeast: 2, quiet: .seconds(1))
        #expect(letters.count == 2)
        #expect(
            Set(letters.compactMap { $0.headers.value(named: DeadLetter.errorCodeHeader).map { String(decoding: $0, as: UTF8.self) } }) == [
                "invalid_payload", "not_cloudevent",
            ])
        await first.kill()

        // Restarted, then one more event behind the poison on its partition: once it is counted, the partition has
        // been read past the poison, which must not have been dead-lettered again.
        let second = try await MetricsHarness.start(database: database, cluster: cluster)
        let later = try CloudEvent(
            source: "/kepu/booking", type: BookingEventType.waitlisted,
            payload: BookingWaitlisted(requestId: "later", bookingId: "later", sessionId: key, seats: 1, position: 1))
        try await publish([later.kafkaMessage(topic: topic, key: key)], to: cluster)
        try await eventually("the later event is counted") { try await MetricsHarness.folded(database) == total + 1 }
        #expect(
            try await readTopic("kepu.metrics.dlq.v1", cluster: cluster, atLeast: 2, quiet: .seconds(1)).count == 2,
            "no second copy of the dead letters")
        #expect(
            try await MetricsHarness.counters(database, unit: "sz", kind: "year", key: "2026")["waitlisted"] == (stream.cityTotals["waitlisted"] ?? 0)
                + 1)
        _ = await second.terminate()
    }

    /// Whether a metrics process has read everything: every consumer's lag gauge is 0 for each of `topics`.
    static func caughtUp(_ service: ServiceProcess, topics: [String]) async -> Bool {
        guard let text = await service.get("/metrics")?.body else { return false }
        let lags = text.split(separator: "\n").filter { $0.hasPrefix("kepu_consumer_lag{") }
        return topics.allSatisfy { topic in
            let lines = lags.filter { $0.contains("topic=\"\(topic)\"") }
            return !lines.isEmpty && lines.allSatisfy { $0.hasSuffix(" 0") || $0.hasSuffix(" 0.0") }
        }
    }

    /// Counter rows once they stop changing (the consumers have read everything and committed).
    static func settledRows(_ service: ServiceProcess, _ database: DatabaseSettings, topics: [String]) async throws -> [String] {
        var last: [String] = []
        try await eventually("metrics has folded the mixed stream", timeout: .seconds(240)) {
            guard await caughtUp(service, topics: topics) else { return false }
            let rows = try await MetricsHarness.counterRows(database)
            defer { last = rows }
            return rows == last && !rows.isEmpty
        }
        return last
    }

    @Test("a mixed stream of every service's events, killed mid-way, redelivered and resent upstream, counts as one clean fold")
    func mixedStreamKilled() async throws {
        let stream = SyntheticProgrammeEvents(
            activities: 1_500, bookingSessions: 60, sites: 120, firstDay: MetricsHarness.november2026, days: 30, seed: 27)
        let topics = [Topics.bookingEvents.name, Topics.outreachEvents.name, Topics.volunteerEvents.name, Topics.contentEvents.name]

        // The reference: the same stream on its own cluster, folded once without interruption.
        let cleanCluster = try MetricsHarness.cluster()
        try await publish(stream.events, to: cleanCluster)
        let clean = try await TestPostgres.freshDatabase()
        let reference = try await MetricsHarness.start(database: clean, cluster: cleanCluster)
        let expected = try await Self.settledRows(reference, clean, topics: topics)
        _ = await reference.terminate()
        let city = try await MetricsHarness.counters(clean, unit: "sz", kind: "year", key: "2026")
        #expect(city["activities_held"] == stream.activitiesHeld)
        for (kpi, total) in stream.bookingTotals { #expect(city[kpi] == total, "\(kpi)") }
        for kpi in ["ratings", "volunteers_accepted", "work_views", "books_in_stock"] { #expect((city[kpi] ?? 0) > 0, "\(kpi)") }

        // Live: killed while folding, restarted (the records after the last commit come again), and the stream's
        // last records resent upstream (same ids, later offsets).
        let cluster = try MetricsHarness.cluster()
        try await publish(stream.events, to: cluster)
        let live = try await TestPostgres.freshDatabase()
        let first = try await MetricsHarness.start(database: live, cluster: cluster)
        try await eventually("the first replica has folded part of the stream") {
            try await MetricsHarness.counters(live, unit: "sz", kind: "year", key: "2026")["activities_held"] ?? 0 >= 100
        }
        await first.kill()
        let atKill = try await MetricsHarness.counterRows(live)
        #expect(atKill != expected, "killed mid-stream")
        try await publish(Array(stream.events.suffix(2_000)), to: cluster)
        let second = try await MetricsHarness.start(database: live, cluster: cluster)
        let rows = try await Self.settledRows(second, live, topics: topics)
        #expect(rows.count == expected.count)
        #expect(rows == expected, "\(Set(rows).symmetricDifference(expected).sorted().prefix(20))")
        _ = await second.terminate()
    }
}
