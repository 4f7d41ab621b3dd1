import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KepuContracts
import KepuDomain
import KepuRuntime
import KepuTestSupport
import PostgresNIO
import Testing

@testable import VolunteerService

/// Matching in process (HummingbirdTesting, real PostgreSQL): each ranking factor changes the order, concurrent
/// fills never double-book a volunteer, offers expire or are declined to the next candidate, shortfalls are raised
/// once, and hours become star levels exactly once.
@Suite("Matching, offers, shortfalls, hours and star levels (in process)")
struct MatchingTests {
    typealias F = VolunteerFixtures
    /// A week before the Saturday event: offers are open, no shortfall is due yet.
    static let weekBefore = F.saturday.addingTimeInterval(-7 * 86_400)

    static func setUp(_ http: some TestClientProtocol, _ client: PostgresClient) async throws {
        try await F.seedRegistry(client)
        #expect(try await http.json(.put, "/admin/teams/team.futian", admin: true, body: F.team).status == .ok)
    }

    static func register(_ http: some TestClientProtocol, _ id: String, _ body: String) async throws {
        let answer = try await http.json(.put, "/admin/volunteers/\(id)", admin: true, body: body)
        #expect(answer.status == .ok, "\(id): \(answer.json)")
    }

    static func ranking(_ http: some TestClientProtocol, _ event: String) async throws -> [String] {
        let answer = try await http.json(.get, "/admin/events/\(event)/candidates?limit=50", admin: true)
        #expect(answer.status == .ok)
        return (answer.json["candidates"] as? [[String: Any]] ?? []).compactMap { $0["volunteerId"] as? String }
    }

    @Test("skill, qualification expiry, availability, blackout, units served, distance, fairness and cap each change the ranking")
    func ranking() async throws {
        try await RouteTesting.withRoutes(of: F.definition) { http, client in
            try await Self.setUp(http, client)
            try await Self.register(http, "vol.a", F.profile("r-0001"))
            try await Self.register(http, "vol.b", F.profile("r-0002", home: "sz.futian.shatou.c2"))
            try await Self.register(http, "vol.c", F.profile("r-0003", home: "sz.futian"))
            try await Self.register(http, "vol.d", F.profile("r-0004", home: "sz.futian.shatou.c2"))
            try await Self.register(http, "vol.e", F.profile("r-0005", teachingUntil: "2030-03-01"))
            try await Self.register(http, "vol.f", F.profile("r-0006", skills: ["health"]))
            try await Self.register(http, "vol.g", F.profile("r-0007", windows: #"[{"weekday":7,"from":"09:00","until":"18:00"}]"#))
            try await Self.register(http, "vol.h", F.profile("r-0008", blackout: ["2030-03-02"]))
            try await Self.register(http, "vol.i", F.profile("r-0009", capHours: 1))
            try await Self.register(http, "vol.j", F.profile("r-0010", home: "sz.nanshan", serve: ["sz.nanshan"]))
            try await Self.register(http, "vol.k", F.profile("r-0011", windows: #"[{"weekday":6,"from":"11:00","until":"18:00"}]"#))
            // vol.d served ten hours in the last weeks: it ranks after vol.b, which lives as near.
            try await client.query(
                """
                INSERT INTO activity_event (id, status, title, site_path, theme, starts_at, ends_at)
                VALUES ('ev.past', 'held', '讲座', '{sz,sz.futian}', 'health', '2030-02-20T01:00:00Z', '2030-02-20T11:00:00Z')
                """, logger: F.logger)
            try await client.query(
                """
                INSERT INTO assignment (id, event_id, volunteer_id, status, during)
                VALUES ('as-past', 'ev.past', 'vol.d', 'served', tstzrange('2030-02-20T01:00:00Z', '2030-02-20T11:00:00Z'))
                """, logger: F.logger)
            // Not offered yet (a draft), so the ranking is read alone.
            try await F.follow(F.event("ev.rank", needed: 3, status: .draft), now: Self.weekBefore, client)
            #expect(try await Self.ranking(http, "ev.rank") == ["vol.a", "vol.b", "vol.d", "vol.c"])

            let explained = try await http.json(.get, "/admin/events/ev.rank/candidates?limit=1", admin: true)
            let first = try #require((explained.json["candidates"] as? [[String: Any]])?.first)
            #expect(first["distance"] as? String == "same community")
            #expect(first["qualifiedUntil"] as? String == "2031-12-31")
            #expect((first["why"] as? [String] ?? []).contains { $0.contains("teaching") || $0.contains("qualifications") })

            // Renewed teaching: vol.e fits, as near as vol.a.
            try await Self.register(http, "vol.e", F.profile("r-0005", teachingUntil: "2032-01-01"))
            #expect(try await Self.ranking(http, "ev.rank") == ["vol.a", "vol.e", "vol.b", "vol.d", "vol.c"])
            // An event needing only health: vol.f fits; lecture's teaching no longer matters.
            try await F.follow(F.event("ev.health", needed: 1, skills: ["health"], status: .draft), now: Self.weekBefore, client)
            #expect(try await Self.ranking(http, "ev.health").contains("vol.f"))
            // Later on Saturday: vol.k (from 11:00) fits; vol.i's cap of an hour never does.
            try await F.follow(
                F.event("ev.noon", startsAt: F.saturday.addingTimeInterval(3600), needed: 1, status: .draft), now: Self.weekBefore, client)
            let noon = try await Self.ranking(http, "ev.noon")
            #expect(noon.contains("vol.k") && !noon.contains("vol.i") && !noon.contains("vol.g") && !noon.contains("vol.j"))
            // In Nanshan, only vol.j serves.
            try await F.follow(
                F.event("ev.nanshan", needed: 1, site: "center.sz.nanshan", sitePath: ["sz", "sz.nanshan"], status: .draft), now: Self.weekBefore,
                client)
            #expect(try await Self.ranking(http, "ev.nanshan") == ["vol.j"])
        }
    }

    @Test("many concurrent fills of overlapping events never book one volunteer twice")
    func concurrentFills() async throws {
        try await RouteTesting.withRoutes(of: F.definition) { http, client in
            try await Self.setUp(http, client)
            for index in 0..<12 { try await Self.register(http, "vol.\(index)", F.profile("r-\(1000 + index)")) }
            // Twenty events at overlapping times, two places each: 40 places for 12 volunteers. Inserted as drafts,
            // then all published at once from concurrent transactions.
            let events = (0..<20).map { F.event("ev.c\($0)", startsAt: F.saturday.addingTimeInterval(Double($0 % 3) * 1800), needed: 2) }
            for event in events {
                var draft = event
                draft.status = .draft
                try await F.follow(draft, now: Self.weekBefore, client)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for event in events {
                    group.addTask {
                        for attempt in 1...20 {
                            do {
                                try await F.follow(event, now: Self.weekBefore, client)
                                return
                            } catch  where TransientError.isTransient(error) && attempt < 20 {
                                continue // a deadlock between two fills: one is retried, as the runner retries
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let double = try await client.query(
                """
                SELECT count(*)::int FROM assignment a JOIN assignment b ON a.volunteer_id = b.volunteer_id AND a.id < b.id AND a.during && b.during
                WHERE a.status IN ('offered', 'accepted', 'served') AND b.status IN ('offered', 'accepted', 'served')
                """, logger: F.logger
            ).collect().first?.decode(Int.self)
            #expect(double == 0)
            let held = try await client.query(
                "SELECT count(DISTINCT volunteer_id)::int, count(*)::int FROM assignment WHERE status = 'offered'", logger: F.logger
            ).collect().first?.decode((Int, Int).self)
            #expect(held?.0 == 12 && held?.1 == 12, "every volunteer offered once: \(String(describing: held))")
            // Could the database still book a volunteer twice? Try it by hand, at one more event at the same time as
            // an offer: the constraint refuses.
            var forced = F.event("ev.forced", needed: 1)
            forced.status = .draft
            try await F.follow(forced, now: Self.weekBefore, client)
            await #expect(throws: (any Error).self) {
                try await client.query(
                    """
                    INSERT INTO assignment (id, event_id, volunteer_id, status, during)
                    SELECT 'as-forced', 'ev.forced', volunteer_id, 'accepted', during FROM assignment WHERE status = 'offered' LIMIT 1
                    """, logger: F.logger)
            }
            #expect(try await F.assignments("ev.forced", client).isEmpty)
        }
    }

    @Test("a declined or expired offer goes to the next candidate; a short event raises its shortfall once; answers are checked")
    func offers() async throws {
        try await RouteTesting.withRoutes(of: F.definition) { http, client in
            try await Self.setUp(http, client)
            try await Self.register(http, "vol.a", F.profile("r-0001"))
            try await Self.register(http, "vol.b", F.profile("r-0002", home: "sz.futian.shatou.c2"))
            try await Self.register(http, "vol.c", F.profile("r-0003", home: "sz.futian"))
            let policy = MatchingPolicy.defaults
            try await F.follow(F.event("ev.o", needed: 1), now: Self.weekBefore, client)
            #expect(try await F.assignments("ev.o", client) == ["vol.a": "offered"])

            let offer = try #require(
                try await client.query("SELECT id FROM assignment WHERE volunteer_id = 'vol.a'", logger: F.logger).collect().first?.decode(
                    String.self))
            let matcher = Matcher(policy: policy, logger: F.logger)
            // Only the volunteer it was offered to may answer it.
            let wrong = try await client.withOutboxTransaction(logger: F.logger) {
                try await matcher.answer(offer: offer, volunteerId: "vol.b", accept: true, now: Self.weekBefore, in: $0)
            }
            guard case .refused(.offerClosed, _) = wrong else {
                Issue.record("another volunteer answered the offer")
                return
            }
            let declined = try await http.json(.post, "/admin/offers/\(offer)/answer", admin: true, body: #"{"accept":false}"#)
            #expect(declined.status == .ok)
            #expect(try await F.assignments("ev.o", client) == ["vol.a": "declined", "vol.b": "offered"])
            // Declined once, answered for good.
            #expect(
                try await http.json(.post, "/admin/offers/\(offer)/answer", admin: true, body: #"{"accept":true}"#).status == .unprocessableContent)

            // vol.b lets the offer run out: the sweep expires it and offers vol.c.
            let late = Self.weekBefore.addingTimeInterval(TimeInterval(policy.offerSeconds + 1))
            let handled = try await client.withOutboxTransaction(logger: F.logger) {
                try await MatchingSweep(policy: policy, logger: F.logger).round(now: late, in: $0)
            }
            #expect(handled >= 1)
            #expect(try await F.assignments("ev.o", client) == ["vol.a": "declined", "vol.b": "expired", "vol.c": "offered"])
            let expired = try await F.published(VolunteerEventType.assignmentChanged, client).filter { $0["status"] as? String == "expired" }
            #expect(expired.count == 1 && expired.first?["volunteerId"] as? String == "vol.b")

            // Two days before, vol.c's offer ran out too and no one is left: the shortfall is raised, once.
            let close = F.saturday.addingTimeInterval(-TimeInterval(policy.shortfallMinutes * 60) + 60)
            for _ in 0..<2 {
                _ = try await client.withOutboxTransaction(logger: F.logger) {
                    try await MatchingSweep(policy: policy, logger: F.logger).round(now: close, in: $0)
                }
            }
            let shortfalls = try await F.published(VolunteerEventType.shortfallRaised, client)
            #expect(shortfalls.count == 1)
            #expect(shortfalls.first?["eventId"] as? String == "ev.o" && shortfalls.first?["accepted"] as? Int == 0)
            let staffing = try await F.published(VolunteerEventType.eventStaffed, client).last
            #expect(staffing?["needed"] as? Int == 1 && staffing?["offered"] as? Int == 0 && staffing?["short"] as? Int == 1, "\(staffing ?? [:])")
            #expect(try await F.assignments("ev.o", client) == ["vol.a": "declined", "vol.b": "expired", "vol.c": "expired"])
        }
    }

    @Test("a held event records pending hours once; verification with a reason totals them; star levels are raised once")
    func hoursAndStarLevels() async throws {
        try await RouteTesting.withRoutes(of: F.definition) { http, client in
            try await Self.setUp(http, client)
            try await Self.register(http, "vol.a", F.profile("r-0001"))
            let events = (0..<3).map { F.event("ev.h\($0)", startsAt: F.saturday.addingTimeInterval(Double($0) * 7 * 86_400), needed: 1) }
            for event in events { try await F.follow(event, now: Self.weekBefore, client) }
            for offer in try await client.query("SELECT id FROM assignment", logger: F.logger).collect().map({ try $0.decode(String.self) }) {
                #expect(try await http.json(.post, "/admin/offers/\(offer)/answer", admin: true, body: #"{"accept":true}"#).status == .ok)
            }
            var held = events[0]
            held.status = .held
            // Held, and held again (a redelivery, a later report): the hours are recorded once.
            for _ in 0..<2 { try await F.follow(held, now: F.saturday.addingTimeInterval(3 * 3600), client) }
            var hours = try await http.json(.get, "/admin/volunteers/vol.a/hours", admin: true)
            #expect(hours.json["pendingMinutes"] as? Int == 120)
            #expect((hours.json["hours"] as? [[String: Any]])?.count == 1)

            // Adjusting without a reason is refused, all or nothing.
            let unreasoned = try await http.json(
                .post, "/admin/hours/verify", admin: true, body: #"{"entries":[{"eventId":"ev.h0","volunteerId":"vol.a","minutes":6000}]}"#)
            #expect(unreasoned.status == .unprocessableContent)
            let verified = try await http.json(
                .post, "/admin/hours/verify", admin: true,
                body: #"{"entries":[{"eventId":"ev.h0","volunteerId":"vol.a","minutes":6000,"reason":"补录全年服务时长"}]}"#)
            #expect(verified.status == .ok, "\(verified.json)")
            // Verifying again changes nothing and raises nothing.
            let again = try await http.json(
                .post, "/admin/hours/verify", admin: true, body: #"{"entries":[{"eventId":"ev.h0","volunteerId":"vol.a"}]}"#)
            #expect(again.status == .ok && (again.json["changed"] as? [Any])?.isEmpty == true)
            hours = try await http.json(.get, "/admin/volunteers/vol.a/hours", admin: true)
            #expect(hours.json["verifiedHours"] as? Double == 100)
            #expect(hours.json["starLevel"] as? Int == 1)
            let stars = try await F.published(VolunteerEventType.starLevelReached, client)
            #expect(stars.count == 1 && stars.first?["level"] as? Int == 1)
            // Two more events, adjusted to a week each, reach 436 hours: the second level, not the third.
            for event in events.dropFirst() {
                var done = event
                done.status = .held
                try await F.follow(done, now: event.endsAt, client)
            }
            #expect(
                try await http.json(
                    .post, "/admin/hours/verify", admin: true,
                    body:
                        #"{"entries":[{"eventId":"ev.h1","volunteerId":"vol.a","minutes":10080,"reason":"补录"},{"eventId":"ev.h2","volunteerId":"vol.a","minutes":10080,"reason":"补录"}]}"#
                ).status == .ok)
            #expect(try await F.published(VolunteerEventType.starLevelReached, client).compactMap { $0["level"] as? Int } == [1, 2])
            let changes = try await client.query("SELECT count(*)::int FROM hours_change", logger: F.logger).collect().first?.decode(Int.self)
            #expect(changes == 3)
        }
    }

    @Test("a volunteer signs up to an open place when they fit; a full event, an unfitting volunteer and an overlap are refused")
    func signUps() async throws {
        try await RouteTesting.withRoutes(of: F.definition) { http, client in
            try await Self.setUp(http, client)
            try await Self.register(http, "vol.a", F.profile("r-0001"))
            try await Self.register(http, "vol.b", F.profile("r-0002", home: "sz.futian.shatou.c2"))
            try await Self.register(http, "vol.f", F.profile("r-0006", skills: ["health"]))
            // Two places needing health and lecture: vol.a and vol.b fit, vol.f (no lecture) does not.
            try await F.follow(F.event("ev.s", needed: 1, skills: ["health", "lecture"], status: .draft), now: Self.weekBefore, client)
            var published = F.event("ev.s", needed: 1, skills: ["health", "lecture"])
            published.volunteerNeeds = VolunteerNeeds(count: 2, skills: ["health", "lecture"], from: published.startsAt, until: published.endsAt)
            let matcher = Matcher(policy: .defaults, logger: F.logger)
            func signUp(_ volunteer: String, _ event: String) async throws -> Refusable<AssignmentRecord> {
                try await client.withOutboxTransaction(logger: F.logger) {
                    try await matcher.signUp(volunteer, to: event, now: Self.weekBefore, in: $0)
                }
            }
            // A draft takes no one.
            guard case .refused(.roleClosed, _) = try await signUp("vol.a", "ev.s") else {
                Issue.record("a draft took a sign-up")
                return
            }
            try await F.follow(published, now: Self.weekBefore, client)
            // Published: the two places were offered to vol.a and vol.b; none is open.
            #expect(try await F.assignments("ev.s", client) == ["vol.a": "offered", "vol.b": "offered"])
            guard case .refused(.roleClosed, let full) = try await signUp("vol.f", "ev.s") else {
                Issue.record("a full event took a sign-up")
                return
            }
            #expect(full.contains("no open place"))
            // vol.b declines; vol.f lacks the lecture skill, so the place stays open to sign-ups but not to vol.f.
            let offer = try #require(
                try await client.query("SELECT id FROM assignment WHERE volunteer_id = 'vol.b'", logger: F.logger).collect().first?.decode(
                    String.self))
            #expect(try await http.json(.post, "/admin/offers/\(offer)/answer", admin: true, body: #"{"accept":false}"#).status == .ok)
            guard case .refused(.roleClosed, let unfit) = try await signUp("vol.f", "ev.s") else {
                Issue.record("an unfit volunteer signed up")
                return
            }
            #expect(unfit.contains("does not fit"))
            // A new volunteer who fits signs up and is accepted at once; then is busy for an overlapping event.
            try await Self.register(http, "vol.n", F.profile("r-0099", home: "sz.futian"))
            guard case .done(let taken) = try await signUp("vol.n", "ev.s") else {
                Issue.record("a fitting volunteer was refused")
                return
            }
            #expect(taken.status == .accepted)
            try await F.follow(F.event("ev.s2", needed: 3, status: .draft), now: Self.weekBefore, client)
            try await F.follow(F.event("ev.s2", needed: 3), now: Self.weekBefore, client)
            guard case .refused(.roleClosed, _) = try await signUp("vol.n", "ev.s2") else {
                Issue.record("one volunteer in two places")
                return
            }
            #expect(try await F.assignments("ev.s2", client)["vol.n"] == nil)
        }
    }
}
