import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Matches volunteers to events' volunteer needs: ranks who fits, offers places, takes answers and sign-ups, and
/// publishes where each event's staffing stands. The database keeps one volunteer in one place at a time (the
/// `one_place_at_a_time` exclusion constraint); an offer that would break it is simply not made.
struct Matcher {
    let policy: MatchingPolicy
    let logger: Logger

    /// Candidates this many past the places open are ranked, so offers lost to a racing event need no re-rank.
    static let spareCandidates = 3

    /// The volunteers who fit event `eventId` and are not yet asked, best first (or only `volunteerId`, when given).
    /// Nearest first: the candidates living in the event's community, then its street, are looked for through the
    /// home keys; only when those are too few is every volunteer serving there ranked.
    func rank(_ eventId: String, limit: Int, only volunteerId: String? = nil, on connection: PostgresConnection) async throws -> [Candidate] {
        guard let target = try await RankingTarget.read(eventId, on: connection, logger: logger) else { return [] }
        var tiers: [RankingTier] = []
        if let volunteerId {
            tiers = [.only(volunteerId)]
        } else {
            if !target.skills.isEmpty {
                tiers = target.sitePath.indices.reversed().filter { $0 >= 2 }.map { .home(target.sitePath[$0]) }
            }
            tiers.append(.served)
        }
        var candidates: [Candidate] = []
        for tier in tiers {
            candidates = []
            let query = Self.rankingQuery(target, tier: tier, limit: limit, fairnessDays: policy.fairnessDays)
            for try await (id, team, shared, recent, month, cap, until) in try await connection.query(query, logger: logger).decode(
                (String, String, Int, Int, Int, Int, String?).self)
            {
                candidates.append(
                    Candidate(
                        volunteerId: id, teamId: team, sharedLevels: shared, recentMinutes: recent, monthMinutes: month, monthlyCapMinutes: cap,
                        qualifiedUntil: until))
            }
            // Everyone at this tier ranks before everyone beyond it: enough here is the answer.
            if candidates.count >= limit { break }
        }
        return candidates
    }

    /// The ranking of one tier, in one statement: an index narrows the corps to those who could go (the home keys
    /// for a tier, else skills and the units served, both GIN); each of them is then checked (weekly availability,
    /// blackout day, qualifications valid on the day, no overlapping assignment, monthly cap) and ranked by
    /// nearness in the unit tree, then recent hours.
    static func rankingQuery(_ target: RankingTarget, tier: RankingTier, limit: Int, fairnessDays: Int) -> PostgresQuery {
        let keys: [String]
        let volunteer: String
        switch tier {
        case .home(let unit): (keys, volunteer) = (target.skills.map { "\(unit)|\($0)" }, "")
        case .served: (keys, volunteer) = ([], "")
        case .only(let id): (keys, volunteer) = ([], id)
        }
        return """
            SELECT v.id, v.team_id, shared.levels, recent.minutes, month.minutes, v.monthly_cap_minutes, quals.until::text
            FROM volunteer v
            CROSS JOIN LATERAL (
                SELECT count(*)::int AS levels FROM generate_subscripts(v.home_path, 1) AS i WHERE v.home_path[i] = (\(target.sitePath)::text[])[i]
            ) AS shared
            CROSS JOIN LATERAL (
                SELECT coalesce(sum(h.minutes), 0)::int AS minutes FROM service_hours h
                WHERE h.volunteer_id = v.id AND h.day > \(target.day)::date - \(fairnessDays)::int AND h.day <= \(target.day)::date) AS recent
            CROSS JOIN LATERAL (
                SELECT coalesce(sum(ceil(extract(epoch FROM upper(a.during) - lower(a.during)) / 60)), 0)::int AS minutes FROM assignment a
                WHERE a.volunteer_id = v.id AND a.status IN ('offered', 'accepted', 'served')
                  AND lower(a.during) >= \(target.monthStart) AND lower(a.during) < \(target.monthEnd)) AS month
            CROSS JOIN LATERAL (
                SELECT count(*)::int AS valid, min(q.expires_on) AS until FROM qualification q
                WHERE \(target.required.count)::int > 0 AND q.volunteer_id = v.id AND q.kind = ANY(\(target.required)::text[])
                  AND q.expires_on >= \(target.day)::date) AS quals
            WHERE v.active
              AND (cardinality(\(keys)::text[]) = 0 OR v.home_keys @> \(keys)::text[])
              AND (\(volunteer)::text = '' OR v.id = \(volunteer)::text)
              AND v.skills @> \(target.skills)::text[] AND v.serve_units && \(target.sitePath)::text[]
              AND v.available @> int4range(\(target.startMinute)::int, \(target.startMinute + target.minutes)::int)
              AND NOT (\(target.day)::date = ANY(v.blackout))
              AND quals.valid = \(target.required.count)::int
              AND NOT EXISTS (
                  SELECT 1 FROM assignment a WHERE a.volunteer_id = v.id AND a.status IN ('offered', 'accepted', 'served')
                    AND a.during && tstzrange(\(target.startsAt), \(target.endsAt)))
              AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.event_id = \(target.eventId) AND a.volunteer_id = v.id)
              AND month.minutes + \(target.minutes)::int <= v.monthly_cap_minutes
            ORDER BY shared.levels DESC, recent.minutes, v.id
            LIMIT \(limit)::int
            """
    }

    /// Offers the event's open places to the best candidates (each offer holds the volunteer's time until it is
    /// answered or expires) and publishes the event's staffing. Returns the offers made.
    @discardableResult
    func fill(_ eventId: String, now: Date, in transaction: HandlerTransaction) async throws -> Int {
        let connection = transaction.connection
        // One fill of an event at a time (an admin's answer, a sweep and the follower may race).
        guard
            let (status, needed, startsAt) = try await connection.query(
                "SELECT status, needed, starts_at FROM activity_event WHERE id = \(eventId) FOR UPDATE", logger: logger
            ).collect().first?.decode((ActivityEventStatus, Int, Date).self)
        else { return 0 }
        var made = 0
        if status == .published, needed > 0, startsAt > now {
            var missing = try await openPlaces(eventId, needed: needed, on: connection)
            let respondBy = min(now.addingTimeInterval(TimeInterval(policy.offerSeconds)), startsAt)
            var rounds = 0
            while missing > 0, rounds < 3 {
                rounds += 1
                let candidates = try await rank(eventId, limit: missing + Self.spareCandidates, on: connection)
                if candidates.isEmpty { break }
                for candidate in candidates where missing > 0 {
                    // An overlapping hold taken meanwhile (by a racing transaction) makes this insert do nothing.
                    let rows = try await connection.query(
                        """
                        INSERT INTO assignment (id, event_id, volunteer_id, status, during, respond_by)
                        SELECT \(Self.newId()), id, \(candidate.volunteerId), 'offered', tstzrange(starts_at, ends_at), \(respondBy)
                        FROM activity_event WHERE id = \(eventId)
                        ON CONFLICT DO NOTHING
                        RETURNING id, event_id, volunteer_id, status, lower(during), upper(during), respond_by
                        """, logger: logger
                    ).collect()
                    if !rows.isEmpty {
                        try AssignmentEvents.emit(rows, in: transaction)
                        missing -= 1
                        made += 1
                    }
                }
            }
            try await connection.query("UPDATE activity_event SET filled_at = \(now) WHERE id = \(eventId)", logger: logger)
        }
        try await publishStaffing(eventId, in: transaction)
        return made
    }

    /// Places neither accepted nor offered.
    func openPlaces(_ eventId: String, needed: Int, on connection: PostgresConnection) async throws -> Int {
        let held =
            try await connection.query(
                "SELECT count(*)::int FROM assignment WHERE event_id = \(eventId) AND status IN ('offered', 'accepted', 'served')", logger: logger
            ).collect().first?.decode(Int.self) ?? 0
        return max(0, needed - held)
    }

    /// Publishes `event-staffed` when the event's numbers changed since the last.
    func publishStaffing(_ eventId: String, in transaction: HandlerTransaction) async throws {
        let rows = try await transaction.connection.query(
            """
            WITH c AS (
                SELECT count(*) FILTER (WHERE status IN ('accepted', 'served'))::int AS accepted, count(*) FILTER (WHERE status = 'offered')::int AS offered
                FROM assignment WHERE event_id = \(eventId))
            UPDATE activity_event e SET staffed_accepted = c.accepted, staffed_offered = c.offered, staffed_needed = e.needed FROM c
            WHERE e.id = \(eventId) AND (e.needed > 0 OR e.staffed_needed IS NOT NULL)
              AND (e.staffed_accepted, e.staffed_offered, e.staffed_needed) IS DISTINCT FROM (c.accepted, c.offered, e.needed)
            RETURNING e.site_path, e.needed, c.accepted, c.offered
            """, logger: logger
        ).collect()
        guard let (path, needed, accepted, offered) = try rows.first?.decode(([String], Int, Int, Int).self) else { return }
        transaction.emit(
            try VolunteerEvent.about(
                eventId, kind: "event", VolunteerEventType.eventStaffed,
                EventStaffing(
                    eventId: eventId, sitePath: path, needed: needed, accepted: accepted, offered: offered,
                    short: max(0, needed - accepted - offered))))
    }

    /// A volunteer's (or, for `volunteerId` nil, a team leader's on their behalf) answer to an offer still open.
    func answer(offer offerId: String, volunteerId: String?, accept: Bool, now: Date, in transaction: HandlerTransaction) async throws
        -> Refusable<AssignmentRecord>
    {
        let status: AssignmentStatus = accept ? .accepted : .declined
        let rows = try await transaction.connection.query(
            """
            UPDATE assignment SET status = \(status), answered_at = \(now)
            WHERE id = \(offerId) AND (\(volunteerId ?? "")::text = '' OR volunteer_id = \(volunteerId ?? "")::text) AND status = 'offered'
              AND respond_by > \(now)
            RETURNING id, event_id, volunteer_id, status, lower(during), upper(during), respond_by
            """, logger: logger
        ).collect()
        guard let record = try AssignmentEvents.emit(rows, in: transaction).first else {
            return .refused(.offerClosed, "offer \(offerId) is not open to this volunteer (answered, expired, withdrawn or unknown)")
        }
        if accept {
            try await publishStaffing(record.eventId, in: transaction)
        } else {
            try await fill(record.eventId, now: now, in: transaction)
        }
        return .done(record)
    }

    /// A volunteer signs up to an open place themselves: taken at once when they fit the event.
    func signUp(_ volunteerId: String, to eventId: String, now: Date, in transaction: HandlerTransaction) async throws -> Refusable<AssignmentRecord>
    {
        let connection = transaction.connection
        guard
            let (status, needed, startsAt) = try await connection.query(
                "SELECT status, needed, starts_at FROM activity_event WHERE id = \(eventId) FOR UPDATE", logger: logger
            ).collect().first?.decode((ActivityEventStatus, Int, Date).self), status == .published, needed > 0, startsAt > now
        else { return .refused(.roleClosed, "event \(eventId) takes no volunteers now") }
        guard try await openPlaces(eventId, needed: needed, on: connection) > 0 else {
            return .refused(.roleClosed, "event \(eventId) has no open place")
        }
        guard try await !rank(eventId, limit: 1, only: volunteerId, on: connection).isEmpty else {
            return .refused(
                .roleClosed,
                "volunteer \(volunteerId) does not fit event \(eventId) (skills, qualifications, availability, other assignments or monthly cap)")
        }
        let rows = try await connection.query(
            """
            INSERT INTO assignment (id, event_id, volunteer_id, status, during, answered_at, self_signed_up)
            SELECT \(Self.newId()), id, \(volunteerId), 'accepted', tstzrange(starts_at, ends_at), \(now), true FROM activity_event WHERE id = \(eventId)
            ON CONFLICT DO NOTHING
            RETURNING id, event_id, volunteer_id, status, lower(during), upper(during), respond_by
            """, logger: logger
        ).collect()
        guard let record = try AssignmentEvents.emit(rows, in: transaction).first else {
            return .refused(.roleClosed, "volunteer \(volunteerId) was just taken elsewhere at that time")
        }
        try await publishStaffing(eventId, in: transaction)
        return .done(record)
    }

    static func newId() -> String { "as-" + UUID().uuidString.lowercased() }
}
