import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuTestSupport
import Testing

@testable import MetricsService

/// The programme's lines from outreach-events' and volunteer's events through the metrics executable: counters,
/// snapshots, a restart with the records sent again, and records keyed by something else than their aggregate.
@Suite("The programme's lines folded from the services' events (real executable)", .serialized, .startsServiceProcesses)
struct ProgrammeLinesEndToEndTests {
    /// 2026-11-29 10:00 in Shanghai.
    static let start = Date(timeIntervalSince1970: 1_795_917_600)

    static func record(
        _ id: String, _ status: ActivityEventStatus, format: ActivityFormat = .lecture, site: String = "st.a", district: String = "sz-futian",
        attendance: (Int, Int)? = nil, cost: Int? = nil, youth: Int? = nil
    ) -> ActivityEventRecord {
        ActivityEventRecord(
            eventId: id, status: status, title: "Stars over Futian", siteId: site, siteKind: .station, sitePath: ["sz", district],
            theme: "astronomy", format: format, startsAt: start, endsAt: start.addingTimeInterval(3_600), costFen: cost,
            attendance: attendance.map { EventAttendance(checkedIn: $0.0, walkIns: $0.1, durationMinutes: 60, youth: youth) })
    }

    static func message(_ id: String, _ type: String, key: String, _ payload: some Encodable) throws -> KafkaProducerMessage {
        try CloudEvent(id: id, source: ServiceName.outreachEvents.eventSource, type: type, time: start, subject: "event/\(key)", payload: payload)
            .kafkaMessage(topic: Topics.outreachEvents.name, key: key)
    }

    static func stream() throws -> [KafkaProducerMessage] {
        [
            try message("m1", ActivityEventType.eventRecorded, key: "e1", record("e1", .published)),
            try message("m2", ActivityEventType.eventRecorded, key: "e1", record("e1", .held, attendance: (30, 5), youth: 20)),
            try message("m3", ActivityEventType.eventRecorded, key: "e1", record("e1", .reported, attendance: (30, 9), cost: 5_000, youth: 22)),
            try message("m4", ActivityEventType.eventRated, key: "e1", EventRated(eventId: "e1", rating: EventRating(ratings: 4, average: 4.5))),
            try message(
                "m5", ActivityEventType.eventRecorded, key: "e2",
                record("e2", .held, format: .reading, site: "st.n", district: "sz-nanshan", attendance: (12, 0), youth: 12)),
            // outreach-events sending e2 again (another event id, the same state) changes nothing.
            try message(
                "m6", ActivityEventType.eventRecorded, key: "e2",
                record("e2", .held, format: .reading, site: "st.n", district: "sz-nanshan", attendance: (12, 0), youth: 12)),
            try message("m7", ActivityEventType.eventRecorded, key: "e3", record("e3", .cancelled)),
            // Keyed by its site, not its event: its order against the event's other records is not kept.
            try message("m8", ActivityEventType.eventRecorded, key: "st.a", record("e4", .held, attendance: (99, 0))),
            try message(
                "m9", OutreachEventType.pairingCreated, key: "p1",
                PairingRecorded(
                    pairingId: "p1", baseId: "base-1", basePath: ["sz", "sz-futian"], partnerId: "c1", partnerPath: ["sz", "sz-futian"],
                    from: "2026-11-01",
                    until: "2027-10-31", commitments: PairingCommitments(activitiesPerQuarter: 2, visitsPerQuarter: 1), status: .active)),
            try message("m10", OutreachEventType.applicationSubmitted, key: "a1", application(.submitted)),
            try message("m11", OutreachEventType.applicationApproved, key: "a1", application(.approved)),
            try message("m12", ActivityEventType.orderChanged, key: "o1", order(.placed)),
            try message(
                "m13", ActivityEventType.orderOverdue, key: "o1",
                OrderOverdue(orderId: "o1", status: .placed, siteId: "st.a", sitePath: ["sz", "sz-futian"], providerId: nil, deadline: start)),
            try message("m14", ActivityEventType.orderChanged, key: "o1", order(.held)),
        ]
    }

    static func application(_ status: ApplicationStatus) -> ApplicationStep {
        ApplicationStep(
            applicationId: "a1", status: status, siteName: "Lianhua community station", unitId: "sz-futian-c1", unitPath: ["sz", "sz-futian"],
            actor: "city-admin", actorRole: "city_admin", at: start, comment: nil, inspectionDay: nil, practicePointId: nil, validUntil: nil)
    }

    static func order(_ status: OrderStatus) -> OrderRecord {
        OrderRecord(
            orderId: "o1", status: status, siteId: "st.a", sitePath: ["sz", "sz-futian"], programmeId: "prog-1", providerId: nil, from: "2026-11-29",
            until: "2026-12-31", expectedAudience: 40, eventId: nil, step: status.rawValue, actor: "site-admin", actorRole: "site_admin", at: start,
            reason: nil, deadline: nil, rating: nil)
    }

    @Test("lectures, reading, cancellations, ratings and cost per unit; snapshots carry them; sent again after a restart, nothing changes")
    func activities() async throws {
        let cluster = try MetricsHarness.cluster()
        let database = try await TestPostgres.freshDatabase()
        var service = try await MetricsHarness.start(database: database, cluster: cluster)
        try await publish(try Self.stream(), to: cluster)

        let expectedCity: [String: Int64] = [
            "activities_held": 2, "activity_participants": 51, "lectures_held": 1, "lecture_participants": 39, "reading_activities": 1,
            "reading_participants": 12, "activities_cancelled": 1, "ratings": 4, "rating_points": 1_800, "activity_cost_fen": 5_000,
            "visits_held": 0, "pairings_active": 1, "applications_submitted": 1, "applications_approved": 1, "orders_placed": 1,
            "orders_fulfilled": 1, "order_overdue_steps": 1, "youth_participants": 34,
        ]
        func cityMatches() async throws -> Bool {
            let city = try await MetricsHarness.counters(database, unit: "sz", kind: "month", key: "2026-11")
            return expectedCity.allSatisfy { city[$0.key] == $0.value }
        }
        try await eventually("the city's November counts every activity once") { try await cityMatches() }
        let futian = try await MetricsHarness.counters(database, unit: "sz-futian", kind: "day", key: "2026-11-29")
        #expect(futian["activities_held"] == 1 && futian["lecture_participants"] == 39)
        let site = try await MetricsHarness.counters(database, unit: "st.n", kind: "year", key: "2026")
        #expect(site["reading_participants"] == 12, "the site is a unit of its own")

        let letters = try await readTopic(Topics.deadLetter(.metrics).name, cluster: cluster, atLeast: 1)
            .compactMap(DeadLetter.init(deadLetterRecord:))
        #expect(letters.count == 1 && letters.first?.error.contains("Kafka key") == true, "\(letters.map(\.error))")

        var latest: [String: MetricSnapshot] = [:]
        try await eventually("the snapshots carry the activities and the mean rating") {
            for record in try await readTopic(Topics.metricSnapshots.name, cluster: cluster, atLeast: 1, quiet: .milliseconds(500)) {
                if let snapshot = try? CloudEvent(kafkaMessage: record).decodeData(as: MetricSnapshot.self) { latest[snapshot.key] = snapshot }
            }
            return latest["sz|month:2026-11|activities_held"]?.value == 2 && latest["sz|month:2026-11|average_rating"]?.value == 4.5
                && latest["sz|month:2026-11|youth_share"]?.numerator == 34
        }
        #expect(latest["sz|month:2026-11|youth_participants"]?.value == 34)
        #expect(latest["sz|month:2026-11|youth_share"]?.denominator == 51, "young people among every participant held")
        #expect(latest["sz-nanshan|year:2026|youth_share"]?.value == 1)
        #expect(latest["sz|month:2026-11|average_rating"]?.numerator == 1_800)
        #expect(latest["sz|month:2026-11|average_rating"]?.denominator == 4)
        #expect(latest["sz|month:2026-11|cost_per_participant"]?.denominator == 51)

        // Killed, restarted, and the whole stream sent again (the same ids): the numbers stay.
        await service.kill()
        service = try await MetricsHarness.start(database: database, cluster: cluster)
        try await publish(try Self.stream(), to: cluster)
        try await eventually("the resent stream is read") {
            (await service.get("/metrics")?.body ?? "").contains("kepu_handler_events_total{handler=\"outreach\",outcome=\"duplicate\"}")
        }
        try await Task.sleep(for: .seconds(2))
        let after = try await MetricsHarness.counters(database, unit: "sz", kind: "month", key: "2026-11")
        #expect(expectedCity.allSatisfy { after[$0.key] == $0.value }, "\(after)")
        #expect(await service.terminate() == 0)
    }

    static func volunteerMessage(_ id: String, _ type: String, key: String, _ payload: some Encodable) throws -> KafkaProducerMessage {
        try CloudEvent(id: id, source: ServiceName.volunteer.eventSource, type: type, time: start, subject: "volunteer/\(key)", payload: payload)
            .kafkaMessage(topic: Topics.volunteerEvents.name, key: key)
    }

    static func volunteerStream() throws -> [KafkaProducerMessage] {
        let futian = ["sz", "sz-futian"]
        return [
            try volunteerMessage(
                "v1", VolunteerEventType.volunteerRecorded, key: "vol-1",
                VolunteerRecord(volunteerId: "vol-1", teamId: "t1", role: .siteHead, siteId: "st.a", skills: [], homeUnitPath: futian, active: true)),
            try volunteerMessage(
                "v2", VolunteerEventType.volunteerRecorded, key: "vol-2",
                VolunteerRecord(volunteerId: "vol-2", teamId: "t1", role: .volunteer, siteId: nil, skills: [], homeUnitPath: futian, active: true)),
            try volunteerMessage(
                "v3", VolunteerEventType.hoursRecorded, key: "vol-1",
                ServiceHoursRecord(volunteerId: "vol-1", teamId: "t1", eventId: "e1", minutes: 120, status: .pending, day: "2026-11-29")),
            try volunteerMessage(
                "v4", VolunteerEventType.hoursRecorded, key: "vol-1",
                ServiceHoursRecord(volunteerId: "vol-1", teamId: "t1", eventId: "e1", minutes: 150, status: .verified, day: "2026-11-29")),
            try volunteerMessage(
                "v5", VolunteerEventType.starLevelReached, key: "vol-1",
                StarLevelReached(volunteerId: "vol-1", teamId: "t1", level: .one, verifiedHours: 100)),
            try volunteerMessage(
                "v6", VolunteerEventType.eventStaffed, key: "e1",
                EventStaffing(eventId: "e1", sitePath: futian + ["st.a"], needed: 4, accepted: 3, offered: 1, short: 0)),
            try volunteerMessage(
                "v7", VolunteerEventType.needsAggregated, key: "sz-futian/health",
                NeedsAggregate(unitId: "sz-futian", unitPath: futian, theme: "health", needs: 10, people: 25, met: 4)),
            // Keyed by the team, not the volunteer.
            try volunteerMessage(
                "v8", VolunteerEventType.volunteerRecorded, key: "t1",
                VolunteerRecord(volunteerId: "vol-3", teamId: "t1", role: .volunteer, siteId: nil, skills: [], homeUnitPath: futian, active: true)),
        ]
    }

    @Test("volunteers, site heads, verified hours, star levels, staffing and needs per unit; sent again after a restart, nothing changes")
    func volunteers() async throws {
        let cluster = try MetricsHarness.cluster()
        let database = try await TestPostgres.freshDatabase()
        var service = try await MetricsHarness.start(database: database, cluster: cluster)
        try await publish(try Self.volunteerStream(), to: cluster)
        let expected: [String: Int64] = [
            "volunteers_registered": 2, "site_heads_registered": 1, "verified_service_minutes": 150, "star_levels_reached": 1,
            "volunteers_needed": 4, "volunteers_accepted": 3, "needs_submitted": 10, "needs_met": 4,
        ]
        func futianMatches() async throws -> Bool {
            let futian = try await MetricsHarness.counters(database, unit: "sz-futian", kind: "month", key: "2026-11")
            return expected.allSatisfy { futian[$0.key] == $0.value }
        }
        try await eventually("Futian's November counts the corps once") { try await futianMatches() }
        let letters = try await readTopic(Topics.deadLetter(.metrics).name, cluster: cluster, atLeast: 1).compactMap(
            DeadLetter.init(deadLetterRecord:))
        #expect(letters.count == 1 && letters.first?.error.contains("vol-3") == true, "\(letters.map(\.error))")
        var latest: [String: MetricSnapshot] = [:]
        try await eventually("the city's snapshots carry the staffing rate") {
            for record in try await readTopic(Topics.metricSnapshots.name, cluster: cluster, atLeast: 1, quiet: .milliseconds(500)) {
                if let snapshot = try? CloudEvent(kafkaMessage: record).decodeData(as: MetricSnapshot.self) { latest[snapshot.key] = snapshot }
            }
            return latest["sz|month:2026-11|staffing_rate"]?.value == 0.75 && latest["sz|month:2026-11|needs_met_rate"]?.value == 0.4
        }

        await service.kill()
        service = try await MetricsHarness.start(database: database, cluster: cluster)
        try await publish(try Self.volunteerStream(), to: cluster)
        try await eventually("the resent stream is read") {
            (await service.get("/metrics")?.body ?? "").contains("kepu_handler_events_total{handler=\"volunteer\",outcome=\"duplicate\"}")
        }
        try await Task.sleep(for: .seconds(2))
        let after = try await MetricsHarness.counters(database, unit: "sz-futian", kind: "month", key: "2026-11")
        #expect(expected.allSatisfy { after[$0.key] == $0.value }, "\(after)")
        // The nominations: vol-1's verified 2.5 hours (counted once, the pending record replaced) and star level 1.
        let nominations = await service.get("/api/nominations?unit=sz-futian&period=year:2026")
        let volunteers =
            (try? JSONSerialization.jsonObject(with: Data((nominations?.body ?? "").utf8)) as? [String: Any])?["volunteers"] as? [[String: Any]]
        #expect(volunteers?.count == 1, "\(nominations?.body ?? "no answer")")
        #expect(volunteers?.first?["volunteer"] as? String == "vol-1")
        #expect(volunteers?.first?["verifiedHours"] as? Double == 2.5)
        #expect(volunteers?.first?["starLevel"] as? Int == 1)
        #expect(await service.terminate() == 0)
    }

    static func contentMessage(_ id: String, _ type: String, key: String, _ payload: some Encodable) throws -> KafkaProducerMessage {
        try CloudEvent(id: id, source: ServiceName.contentSupply.eventSource, type: type, time: start, subject: "content/\(key)", payload: payload)
            .kafkaMessage(topic: Topics.contentEvents.name, key: key)
    }

    static func contentStream() throws -> [KafkaProducerMessage] {
        let futian = ["sz", "sz-futian"]
        let book = "9787020002207"
        let plan = [LotAllocation(siteId: "st.a", isbn: book, copies: 20), LotAllocation(siteId: "st.b", isbn: book, copies: 20)]
        return [
            try contentMessage(
                "c1", ContentEventType.lotRecorded, key: "lot-1",
                LotRecord(lotId: "lot-1", unitPath: futian, status: .planned, titles: [TitleCopies(isbn: book, copies: 40)], allocations: plan)),
            try contentMessage(
                "c2", ContentEventType.lotRecorded, key: "lot-1",
                LotRecord(lotId: "lot-1", unitPath: futian, status: .shipped, titles: [TitleCopies(isbn: book, copies: 40)], allocations: plan)),
            try contentMessage(
                "c3", ContentEventType.stockChanged, key: "st.a", StockRecord(siteId: "st.a", unitPath: futian, isbn: book, copies: 19, onLoan: 0)),
            try contentMessage(
                "c4", ContentEventType.stockChanged, key: "st.a", StockRecord(siteId: "st.a", unitPath: futian, isbn: book, copies: 19, onLoan: 2)),
            try contentMessage(
                "c5", ContentEventType.readingRecorded, key: "e9",
                ReadingRecord(eventId: "e9", siteId: "st.a", unitPath: futian, books: [TitleCopies(isbn: book, copies: 5)], readers: 12)),
            try contentMessage(
                "c6", ContentEventType.engagementRolledUp, key: "w1/st.a/2026-11-29",
                EngagementRollUp(
                    workId: "w1", siteId: "st.a", unitPath: futian, day: "2026-11-29", views: 80, completions: 20, shares: 5, distinctVisitors: 60,
                    distinctVisitorsError: 0.008, flagged: 0)),
            try contentMessage(
                "c7", ContentEventType.engagementRolledUp, key: "w1/st.a/2026-11-29",
                EngagementRollUp(
                    workId: "w1", siteId: "st.a", unitPath: futian, day: "2026-11-29", views: 100, completions: 25, shares: 6, distinctVisitors: 70,
                    distinctVisitorsError: 0.008, flagged: 2)),
            try contentMessage(
                "c8", ContentEventType.officerScored, key: "o1",
                OfficerScore(officerId: "o1", siteId: "st.a", unitPath: futian, points: 30, districtRank: 1, cityRank: 1)),
            // A stock count beyond the copies: refused at decode.
            try contentMessage(
                "c9", ContentEventType.stockChanged, key: "st.b", StockRecord(siteId: "st.b", unitPath: futian, isbn: book, copies: 1, onLoan: 5)),
        ]
    }

    @Test(
        "books donated, delivered, in stock and lent, used in reading; works' views and reach; officers; sent again after a restart, nothing changes")
    func content() async throws {
        let cluster = try MetricsHarness.cluster()
        let database = try await TestPostgres.freshDatabase()
        var service = try await MetricsHarness.start(database: database, cluster: cluster)
        try await publish(try Self.contentStream(), to: cluster)
        let expected: [String: Int64] = [
            "books_donated": 40, "books_delivered": 40, "books_in_stock": 19, "books_on_loan": 2, "reading_books_used": 5, "work_views": 100,
            "work_completions": 25, "work_shares": 6, "work_reach": 70, "information_officers": 1, "officer_points": 30,
        ]
        func futianMatches() async throws -> Bool {
            let futian = try await MetricsHarness.counters(database, unit: "sz-futian", kind: "month", key: "2026-11")
            return expected.allSatisfy { futian[$0.key] == $0.value }
        }
        try await eventually("Futian's November counts the books and works once") { try await futianMatches() }
        let site = try await MetricsHarness.counters(database, unit: "st.a", kind: "day", key: "2026-11-29")
        #expect(site["work_views"] == 100 && site["books_in_stock"] == 19, "\(site)")
        let letters = try await readTopic(Topics.deadLetter(.metrics).name, cluster: cluster, atLeast: 1).compactMap(
            DeadLetter.init(deadLetterRecord:))
        #expect(letters.count == 1 && letters.first?.error.contains("onLoan") == true, "\(letters.map(\.error))")

        await service.kill()
        service = try await MetricsHarness.start(database: database, cluster: cluster)
        try await publish(try Self.contentStream(), to: cluster)
        try await eventually("the resent stream is read") {
            (await service.get("/metrics")?.body ?? "").contains("kepu_handler_events_total{handler=\"content\",outcome=\"duplicate\"}")
        }
        try await Task.sleep(for: .seconds(2))
        let after = try await MetricsHarness.counters(database, unit: "sz-futian", kind: "month", key: "2026-11")
        #expect(expected.allSatisfy { after[$0.key] == $0.value }, "\(after)")
        #expect(await service.terminate() == 0)
    }
}
