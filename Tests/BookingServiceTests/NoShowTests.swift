import Foundation
import KepuContracts
import KepuKafka
import KepuRuntime
import KepuTestSupport
import Testing

@testable import BookingService

@Suite("No-shows and suspensions", .serialized, .startsServiceProcesses)
struct NoShowTests {
    /// A session that has already ended but whose booking window is still open, so a test can book it and let the
    /// sweeper find the booking unattended.
    func endedSession(_ harness: BookingHarness) async throws -> String {
        let now = Date()
        return try await harness.session([
            "startsAt": RFC3339.format(now.addingTimeInterval(-7200)), "endsAt": RFC3339.format(now.addingTimeInterval(-60)),
            "bookingOpensAt": RFC3339.format(now.addingTimeInterval(-86400)), "bookingClosesAt": RFC3339.format(now.addingTimeInterval(3600)),
        ])
    }

    @Test("no-shows and a late cancellation add up to a suspension; the suspended resident is rejected everywhere until it ends")
    func suspension() async throws {
        let harness = try await BookingHarness.start(environment: [
            "KEPU_BOOKING_NO_SHOW_LIMIT": "3", "KEPU_BOOKING_NO_SHOW_GRACE_MINUTES": "0", "KEPU_BOOKING_SWEEP_SECONDS": "1",
            "KEPU_BOOKING_SUSPENSION_DAYS": "30",
        ])
        let ended1 = try await endedSession(harness)
        let ended2 = try await endedSession(harness)
        let now = Date()
        let soon = try await harness.session([
            "startsAt": RFC3339.format(now.addingTimeInterval(3600)), "endsAt": RFC3339.format(now.addingTimeInterval(7200)),
        ])
        let elsewhere = try await harness.session()
        try await harness.publish(
            BookingHarness.seats("miss-1", session: ended1, resident: "r-x"),
            BookingHarness.seats("miss-2", session: ended2, resident: "r-x"),
            BookingHarness.seats("other", session: ended2, resident: "r-y"),
            BookingHarness.seats("soon", session: soon, resident: "r-x"))
        let soonBooking = try await harness.outcome(of: "soon")
        #expect(soonBooking.type == BookingEventType.confirmed)
        // The sweeper records the two unattended bookings (and r-y's) as no-shows: two for r-x, not yet suspended.
        try await eventually("three no-shows") {
            harness.outcomes.all.filter { $0.headers.value(named: "ce_type") == Array(BookingEventType.noShowRecorded.utf8) }.count == 3
        }
        #expect(try await TestPostgres.count(harness.database, "SELECT count(*)::int FROM resident_suspension") == 0)

        // A cancellation after the deadline (24 h before a session an hour away) is the third.
        try await harness.publish(
            BookingHarness.cancel(
                "late", session: soon, booking: try #require(soonBooking.json["bookingId"] as? String),
                token: BookingHarness.token(for: "soon")))
        #expect(try await harness.outcome(of: "late").json["late"] as? Bool == true)
        let suspended = try await harness.outcomes.first {
            $0.headers.value(named: "ce_type") == Array(BookingEventType.residentSuspended.utf8)
        }
        let suspension = try CloudEvent(kafkaMessage: suspended).decodeData(as: ResidentSuspended.self)
        #expect(suspension.residentId == "r-x")
        #expect(suspension.noShows == 3)
        #expect(abs(suspension.suspendedUntil.timeIntervalSinceNow - 30 * 86400) < 3600)

        try await harness.publish(
            BookingHarness.seats("while-suspended", session: elsewhere, resident: "r-x"),
            BookingHarness.seats("someone-else", session: elsewhere, resident: "r-y"))
        let rejected = try await harness.outcome(of: "while-suspended")
        #expect(rejected.json["reason"] as? String == RejectionReason.suspended.rawValue)
        #expect(rejected.json["suspendedUntil"] != nil)
        #expect(try await harness.outcome(of: "someone-else").type == BookingEventType.confirmed, "one no-show is not enough")

        // The suspension ends: afterwards the resident books again, and old no-shows do not suspend anew.
        _ = try await TestPostgres.count(harness.database, "UPDATE resident_suspension SET suspended_until = now() - interval '1 second' RETURNING 1")
        try await harness.publish(BookingHarness.seats("after-suspension", session: elsewhere, resident: "r-x"))
        #expect(try await harness.outcome(of: "after-suspension").type == BookingEventType.confirmed)
        #expect(await harness.stop() == 0)
    }

    @Test("two replicas sweeping at once record each no-show once")
    func replicasSweepOnce() async throws {
        let harness = try await BookingHarness.start(environment: ["KEPU_BOOKING_NO_SHOW_GRACE_MINUTES": "0", "KEPU_BOOKING_SWEEP_SECONDS": "3600"])
        let ended = try await endedSession(harness)
        try await harness.publish(
            BookingHarness.seats("a", session: ended, resident: "r-1"), BookingHarness.seats("b", session: ended, resident: "r-2"),
            BookingHarness.seats("c", session: ended, resident: "r-3"))
        for id in ["a", "b", "c"] { _ = try await harness.outcome(of: id) }
        // The running service swept at start (before these bookings) and sleeps an hour; two sweepers race now.
        let sweepers = (0..<2).map { _ in
            Task {
                try await TestPostgres.withClient(harness.database) { client in
                    try await NoShowSweeper.task(
                        client: client, policy: NoShowPolicy(limit: 3, windowDays: 90, suspensionDays: 30, graceMinutes: 0, sweepSeconds: 1),
                        logger: .init(label: "test")
                    ).runOnce()
                }
            }
        }
        var marked = 0
        for sweeper in sweepers { marked += try await sweeper.value }
        if marked < 3 {
            // One sweeper may have found the lock taken; a later round picks up the rest.
            marked += try await TestPostgres.withClient(harness.database) { client in
                try await NoShowSweeper.task(
                    client: client, policy: NoShowPolicy(limit: 3, windowDays: 90, suspensionDays: 30, graceMinutes: 0, sweepSeconds: 1),
                    logger: .init(label: "test")
                ).runOnce()
            }
        }
        #expect(marked <= 3, "never more than there are")
        #expect(try await TestPostgres.count(harness.database, "SELECT count(*)::int FROM no_show") == 3)
        try await eventually("three no-show events") {
            harness.outcomes.all.filter { $0.headers.value(named: "ce_type") == Array(BookingEventType.noShowRecorded.utf8) }.count >= 3
        }
        try await Task.sleep(for: .seconds(1))
        #expect(
            harness.outcomes.all.filter { $0.headers.value(named: "ce_type") == Array(BookingEventType.noShowRecorded.utf8) }.count == 3,
            "each recorded once")
        #expect(try await TestPostgres.count(harness.database, "SELECT count(*)::int FROM booking WHERE status = 'no_show'") == 3)
        #expect(await harness.stop() == 0)
    }

    @Test("booking's own settings are validated with the others")
    func policyConfiguration() {
        let error = #expect(throws: ConfigurationError.self) {
            try NoShowPolicy.load(environment: ["KEPU_BOOKING_NO_SHOW_LIMIT": "0", "KEPU_BOOKING_SWEEP_SECONDS": "x"])
        }
        #expect(error?.problems.count == 2)
        #expect((try? NoShowPolicy.load(environment: [:])) == .defaults)
    }
}
