import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import Testing

/// The paths that reach one session from outside its partition, all at once: the dedicated-session cutoff placing
/// pooled groups (requests keyed by the museum) into public sessions that seat requests (keyed by each session)
/// are filling; the no-show sweep marking bookings that late cancellations and check-ins race for, and suspending
/// residents whose next requests are being decided; and a replica joining mid-run, so partitions move while
/// batches are in flight.
///
/// Part of `ConcurrencyTests`' serialized suite: the two heaviest tests never run at the same time on the machine.
extension ConcurrencyTests {
    @Test("cutoff placements, seat requests, the no-show sweep and a joining replica keep every invariant")
    func crossPartitionContention() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 3)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let database = try await TestPostgres.freshDatabase()
        let environment = [
            "KEPU_BOOKING_SWEEP_SECONDS": "1", "KEPU_BOOKING_NO_SHOW_GRACE_MINUTES": "0", "KEPU_BOOKING_NO_SHOW_LIMIT": "2",
            "KEPU_CONSUMER_CONCURRENCY": "2",
        ]
        var replicas = try (0..<2).map {
            try ServiceProcess("booking", database: database, bootstrap: cluster.bootstrapServers, replica: "c\($0)", extra: environment)
        }
        for replica in replicas { try await replica.waitUntilReady() }
        let admin = replicas[0]
        let seed = UInt64(ProcessInfo.processInfo.environment["KEPU_TEST_SEED"] ?? "") ?? UInt64.random(in: 0...UInt64.max)
        print("Booking under cross-partition contention: seed \(seed) (KEPU_TEST_SEED=\(seed) repeats this run's requests)")
        var random = SplitMix(seed: seed)

        // The museum pools groups per date (a threshold no pool reaches) and has four public sessions a day.
        func museumSettings(cutoffDays: Int) -> String {
            #"{"id":"m","kind":"museum","name":"City Science Museum","unitPath":["sz","sz-futian"],"dedicatedSessions":{"threshold":100000,"capacity":60,"cutoffDays":\#(cutoffDays),"groupMin":2,"groupMax":30}}"#
        }
        #expect(await admin.admin("POST", "/admin/venues", json: museumSettings(cutoffDays: 1))?.status == 200)
        #expect(await admin.admin("POST", "/admin/venues", json: #"{"id":"v","kind":"science_base","name":"Base"}"#)?.status == 200)
        let now = Date()
        let dates = (5..<10).map { ShanghaiCalendar.day(now.addingTimeInterval(TimeInterval($0 * 86400))) }
        var museumSessions: [String] = []
        for (day, date) in dates.enumerated() {
            for hour in ["09", "11", "14", "16"] {
                let id = "museum-\(day)-\(hour)"
                let json = """
                    {"id":"\(id)","venueId":"m","capacity":100,"startsAt":"\(date)T\(hour):00:00+08:00","endsAt":"\(date)T\(hour):50:00+08:00",
                     "bookingOpensAt":"\(RFC3339.format(now.addingTimeInterval(-60)))","maxSeatsPerRequest":3,"groupMin":2,"groupMax":30,"waitlistCap":30}
                    """
                #expect(await admin.admin("POST", "/admin/sessions", json: json)?.status == 201)
                museumSessions.append(id)
            }
        }
        // Sessions that end during the run, booked first: the sweep finds them while everything else goes on.
        // Far enough ahead that phase 1 is decided before they start (booking closes at the start), under load too.
        let endsAt = now.addingTimeInterval(75)
        let ending = (0..<10).map { "ending-\($0)" }
        for id in ending {
            let json = """
                {"id":"\(id)","venueId":"v","capacity":30,"startsAt":"\(RFC3339.format(endsAt.addingTimeInterval(-5)))","endsAt":"\(RFC3339.format(endsAt))",
                 "bookingOpensAt":"\(RFC3339.format(now.addingTimeInterval(-60)))","maxSeatsPerRequest":3}
                """
            #expect(await admin.admin("POST", "/admin/sessions", json: json)?.status == 201)
        }
        let answers = try TopicCollector(topic: Topics.bookingEvents.name, bootstrap: cluster.bootstrapServers)
        let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers))

        // Phase 1: pooled groups for the museum's dates, and residents booking the ending sessions (each resident
        // several of them, so the sweep suspends many).
        var first: [KafkaProducerMessage] = []
        for n in 0..<150 {
            first.append(
                DedicatedSessionTests.visit(
                    "pool-\(n)", venue: "m", date: dates[Int.random(in: 0..<dates.count, using: &random)], unit: "unit-\(n % 60)",
                    headcount: Int.random(in: 2...12, using: &random)))
        }
        var endingBookings: [(request: String, session: String)] = []
        for n in 0..<240 {
            let session = ending[n % ending.count]
            first.append(BookingHarness.seats("end-\(n)", session: session, resident: "res-\(n % 60)", seats: 1))
            endingBookings.append(("end-\(n)", session))
        }
        for result in await producer.send(first) { _ = try result.get() }
        try await eventually("phase 1 answered", timeout: .seconds(120)) {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM booking_request") >= first.count
        }

        // Phase 2, all at once: 1,500 seat requests to the museum's public sessions in waves (residents res-0...
        // res-199, the first 60 about to be suspended); the cutoff moved so every pool closes and its groups are
        // placed into the same sessions; check-ins and late cancellations racing the sweep at the ending sessions'
        // end; and a third replica joining.
        let total = 1_500
        var museumRequests: [KafkaProducerMessage] = []
        for n in 0..<total {
            let session = museumSessions[Int.random(in: 0..<museumSessions.count, using: &random)]
            museumRequests.append(
                BookingHarness.seats(
                    "museum-\(n)", session: session, resident: "res-\(Int.random(in: 0..<200, using: &random))",
                    seats: Int.random(in: 1...3, using: &random)))
        }
        func confirmedEndingBookings() -> [(request: String, booking: String, session: String)] {
            answers.all.compactMap { record -> (request: String, booking: String, session: String)? in
                guard record.headers.value(named: "ce_type") == Array(BookingEventType.confirmed.utf8),
                    let json = (try? JSONSerialization.jsonObject(with: Data(record.value))) as? [String: Any],
                    let request = json["requestId"] as? String, request.hasPrefix("end-"), let booking = json["bookingId"] as? String,
                    let session = json["sessionId"] as? String
                else { return nil }
                return (request, booking, session)
            }
        }
        let endingConfirmed = try await TestPostgres.count(
            database, "SELECT count(*)::int FROM booking b JOIN session s ON s.id = b.session_id WHERE s.venue_id = 'v' AND b.status = 'confirmed'")
        #expect(endingConfirmed > 200, "the ending sessions were booked before they started: \(endingConfirmed) of 240")
        try await eventually("the ending sessions' confirmations read", timeout: .seconds(120)) {
            confirmedEndingBookings().count == endingConfirmed
        }
        let confirmedEnding = confirmedEndingBookings()
        // The cutoff moves, and the first wave goes out with it: the cutoff round places pooled groups while the
        // consumers place seat requests into the same sessions. The waves last past the ending sessions' end, so
        // residents are suspended while their requests are being decided.
        #expect(await admin.admin("POST", "/admin/venues", json: museumSettings(cutoffDays: 10))?.status == 200, "the cutoff has passed")
        // Spread so the last waves go out well after the ending sessions' end (and the sweep's suspensions).
        let waveInterval = max(0.5, (endsAt.timeIntervalSinceNow + 10) / Double(total / 100))
        let waves = Task {
            for wave in stride(from: 0, to: museumRequests.count, by: 100) {
                for result in await producer.send(Array(museumRequests[wave..<min(wave + 100, museumRequests.count)])) { _ = try result.get() }
                try await Task.sleep(for: .seconds(waveInterval))
            }
        }
        try await Task.sleep(for: .seconds(4))
        let decidedAtJoin = try await TestPostgres.count(database, "SELECT count(*)::int FROM booking_request")
        #expect(decidedAtJoin < first.count + total, "the replica joined with requests still to decide (\(decidedAtJoin) decided)")
        replicas.append(try ServiceProcess("booking", database: database, bootstrap: cluster.bootstrapServers, replica: "c2", extra: environment))
        // Around the sessions' end: half the ending bookings check in, a third cancel (late: after the deadline),
        // each in its own small burst on both sides of the end.
        let untilEnd = endsAt.timeIntervalSinceNow
        if untilEnd > 1 { try await Task.sleep(for: .seconds(untilEnd - 1)) }
        var racing: [KafkaProducerMessage] = []
        for (index, booking) in confirmedEnding.enumerated() {
            let token = BookingHarness.token(for: booking.request)
            if index % 2 == 0 {
                racing.append(BookingHarness.checkIn("in-\(index)", session: booking.session, booking: booking.booking, token: token))
            } else if index % 3 == 0 {
                racing.append(BookingHarness.cancel("out-\(index)", session: booking.session, booking: booking.booking, token: token))
            }
        }
        for slice in [racing[..<(racing.count / 2)], racing[(racing.count / 2)...]] {
            for result in await producer.send(Array(slice)) { _ = try result.get() }
            try await Task.sleep(for: .seconds(1))
        }
        try await waves.value
        let requests = first.count + total + racing.count
        try await eventually("every pool closed and every ended booking swept", timeout: .seconds(300)) {
            let open = try await TestPostgres.count(database, "SELECT count(*)::int FROM dedicated_pool WHERE status <> 'closed'")
            let unswept = try await TestPostgres.count(
                database,
                "SELECT count(*)::int FROM booking b JOIN session s ON s.id = b.session_id WHERE s.venue_id = 'v' AND b.status = 'confirmed'")
            return open == 0 && unswept == 0
        }
        // Seats: never over capacity, counters equal to the bookings (an ended session's no-shows keep their seats).
        try await SeatInvariants.expectSettled(database, requests: requests, holding: ["confirmed", "checked_in", "no_show"])
        try await Task.sleep(for: .seconds(3))
        // The cutoff: every pooled group placed (a confirmed booking of its request) or rejected, none left pooled.
        #expect(try await TestPostgres.count(database, "SELECT count(*)::int FROM dedicated_pool_entry WHERE status = 'pooled'") == 0)
        let placed = try await TestPostgres.count(database, "SELECT count(*)::int FROM dedicated_pool_entry WHERE status = 'placed'")
        #expect(placed > 0, "the cutoff placed groups into public sessions that seat requests were filling")
        #expect(
            try await TestPostgres.count(
                database,
                "SELECT count(*)::int FROM dedicated_pool_entry e JOIN booking b ON b.request_id = e.request_id WHERE e.status = 'placed' AND b.status = 'confirmed'"
            )
                == placed, "each placed group holds a confirmed booking")
        // The sweep: each ended booking is checked in, cancelled, or a no-show, and recorded as a no-show once.
        let noShows = try await TestPostgres.count(database, "SELECT count(*)::int FROM no_show")
        let swept = try await TestPostgres.count(
            database, "SELECT count(*)::int FROM booking b JOIN session s ON s.id = b.session_id WHERE s.venue_id = 'v' AND b.status = 'no_show'")
        let lateCancelled = try await TestPostgres.count(
            database, "SELECT count(*)::int FROM booking b JOIN session s ON s.id = b.session_id WHERE s.venue_id = 'v' AND b.status = 'cancelled'")
        #expect(swept > 0, "the sweep found ended bookings")
        #expect(
            noShows == swept + lateCancelled, "one no-show per swept booking and per late cancellation (\(noShows) = \(swept) + \(lateCancelled))")
        #expect(
            try await TestPostgres.count(
                database, "SELECT count(*)::int FROM no_show n JOIN booking b ON b.id = n.booking_id WHERE b.status = 'checked_in'") == 0,
            "a checked-in booking is never a no-show")

        // The topic: one answer per request, one no-show event per no-show, one suspension event per suspension.
        var answerIds: [String: Set<String>] = [:]
        var noShowEvents: [String: Set<String>] = [:]
        var suspendedResidents = Set<String>()
        var refusedSuspended = 0
        for record in answers.all {
            guard let event = try? CloudEvent(kafkaMessage: record) else { continue }
            let json = (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any] ?? [:]
            switch event.type {
            case BookingEventType.noShowRecorded: noShowEvents[json["bookingId"] as? String ?? "", default: []].insert(event.id)
            case BookingEventType.residentSuspended: suspendedResidents.insert(json["residentId"] as? String ?? "")
            case BookingEventType.promoted, BookingEventType.groupPooled: continue
            default:
                if let request = json["requestId"] as? String { answerIds[request, default: []].insert(event.id) }
                if event.type == BookingEventType.rejected, json["reason"] as? String == "suspended" { refusedSuspended += 1 }
            }
        }
        #expect(answerIds.count == requests, "every request answered: \(answerIds.count) of \(requests)")
        #expect(answerIds.values.allSatisfy { $0.count == 1 }, "no request answered twice")
        #expect(noShowEvents.count == noShows && noShowEvents.values.allSatisfy { $0.count == 1 }, "one no-show event per no-show")
        let suspensions = try await TestPostgres.count(database, "SELECT count(*)::int FROM resident_suspension")
        #expect(
            suspensions > 0 && suspendedResidents.count == suspensions,
            "every suspended resident announced (\(suspendedResidents.count), \(suspensions))")
        #expect(refusedSuspended > 0, "requests from residents suspended mid-run were refused as suspended")

        for replica in replicas { #expect(await replica.terminate() == 0) }
        await answers.stop()
        await producer.shutdown()
        cluster.stop()
    }
}
