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
    /// Nearest first: the candidates living in the event's street are looked for through the home keys; only when
    /// those are too few is every volunteer serving there ranked.
    func rank(_ eventId: String, limit: Int, only volunteerId: String? = nil, on connection: PostgresConnection) async throws -> [Candidate] {
        guard let target = try await RankingTarget.read(eventId, fairnessDays: policy.fairnessDays, on: connection, logger: logger) else { return [] }
        var tiers: [RankingTier] = []
        if let volunteerId {
            tiers = [.only(volunteerId)]
        } else {
            // The street's residents, nearest first (its communities' come first in the order): a tier of a few
            // dozen that usually has enough.
            if !target.skills.isEmpty, target.sitePath.count > 2 { tiers = [.home(target.sitePath[2])] }
            tiers.append(.served)
        }
        var candidates: [Candidate] = []
        for tier in tiers {
            candidates = []
            let query = Self.rankingQuery(target, tier: tier, limit: limit, fairnessDays: policy.fairnessDays)
            for try await (id, team, shared, load, month, cap, until) in try await connection.query(query, logger: logger).decode(
                (String, String, Int, Int, Int, Int, String?).self)
            {
                candidates.append(
                    Candidate(
                        volunteerId: id, teamId: team, sharedLevels: shared, loadMinutes: load, monthMinutes: month, monthlyCapMinutes: cap,
                        qualifiedUntil: until))
            }
            // Everyone at this tier ranks before everyone beyond it: enough here is the answer.
            if candidates.count >= limit { break }
        }
        return candidates
    }

    /// The ranking of one tier, in one statement: an index narrows the corps to those who could go (the home keys
    /// for a tier, else skills and the units served, both GIN); each of them is then checked (weekly availability,
    /// blackout day, qualifications valid on the day, no overlapping assignment, monthly cap: their assignments
    /// around the event read once) and ranked by nearness in the unit tree, then by their load (hours offered,
    /// accepted or served within the fairness window either side of the event).
    static func rankingQuery(_ target: RankingTarget, tier: RankingTier, limit: Int, fairnessDays: Int) -> PostgresQuery {
        let keys: [String]
        let volunteer: String
        switch tier {
        case .home(let unit): (keys, volunteer) = (target.skills.map { "\(unit)|\($0)" }, "")
        case .served: (keys, volunteer) = ([], "")
        case .only(let id): (keys, volunteer) = ([], id)
        }
        return """
            SELECT v.id, v.team_id, shared.levels, taken.load, taken.month, v.monthly_cap_minutes, quals.until::text
            FROM volunteer v
            CROSS JOIN LATERAL (
                SELECT count(*)::int AS levels FROM generate_subscripts(v.home_path, 1) AS i WHERE v.home_path[i] = (\(target.sitePath)::text[])[i]
            ) AS shared
            CROSS JOIN LATERAL (
                SELECT coalesce(sum(d.minutes) FILTER (WHERE a.during && tstzrange(\(target.loadFrom), \(target.loadUntil))), 0)::int AS load,
                       coalesce(sum(d.minutes) FILTER (WHERE lower(a.during) >= \(target.monthStart) AND lower(a.during) < \(target.monthEnd)), 0)::int
                           AS month,
                       count(*) FILTER (WHERE a.during && tstzrange(\(target.startsAt), \(target.endsAt)))::int AS overlapping
                FROM assignment a CROSS JOIN LATERAL (SELECT ceil(extract(epoch FROM upper(a.during) - lower(a.during)) / 60) AS minutes) AS d
                WHERE a.volunteer_id = v.id AND a.status IN ('offered', 'accepted', 'served')
                  AND a.during && tstzrange(\(target.windowFrom), \(target.windowUntil))) AS taken
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
              AND taken.overlapping = 0
              AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.event_id = \(target.eventId) AND a.volunteer_id = v.id)
              AND taken.month + \(target.minutes)::int <= v.monthly_cap_minutes
            ORDER BY shared.levels DESC, taken.load, v.id
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
            let (status, needed, startsAt, held) = try await connection.query(
                """
                SELECT status, needed, starts_at,
                       (SELECT count(*)::int FROM assignment WHERE event_id = e.id AND status IN ('offered', 'accepted', 'served'))
                FROM activity_event e WHERE id = \(eventId) FOR UPDATE
                """, logger: logger
            ).collect().first?.decode((ActivityEventStatus, Int, Date, Int).self)
        else { return 0 }
        var made = 0
        if status == .published, needed > 0, startsAt > now {
            var missing = max(0, needed - held)
            let respondBy = min(now.addingTimeInterval(TimeInterval(policy.offerSeconds)), startsAt)
            var rounds = 0
            while missing > 0, rounds < 3 {
                rounds += 1
                var candidates = try await rank(eventId, limit: missing + Self.spareCandidates, on: connection)[...]
                if candidates.isEmpty { break }
                while missing > 0, !candidates.isEmpty {
                    // The best `missing` at once, in id order (racing fills take their holds in one order); an
                    // overlapping hold a racing transaction took meanwhile makes its row do nothing, and the spare
                    // candidates stand in.
                    let chosen = candidates.prefix(missing).map(\.volunteerId).sorted()
                    candidates = candidates.dropFirst(chosen.count)
                    let rows = try await connection.query(
                        """
                        INSERT INTO assignment (id, event_id, volunteer_id, status, during, respond_by)
                        SELECT c.id, e.id, c.volunteer, 'offered', tstzrange(e.starts_at, e.ends_at), \(respondBy)
                        FROM activity_event e, unnest(\(chosen.map { _ in Self.newId() })::text[], \(chosen)::text[]) AS c(id, volunteer)
                        WHERE e.id = \(eventId)
                        ON CONFLICT DO NOTHING
                        RETURNING id, event_id, volunteer_id, status, lower(during), upper(during), respond_by
                        """, logger: logger
                    ).collect()
                    try AssignmentEvents.emit(rows, in: transaction)
                    missing -= rows.count
                    made += rows.count
                }
            }
            try await publishStaffing(eventId, filledAt: now, in: transaction)
            return made
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

    /// Publishes `event-staffed` when the event's numbers changed since the last (and notes a fill's time).
    func publishStaffing(_ eventId: String, filledAt: Date? = nil, in transaction: HandlerTransaction) async throws {
        let rows = try await transaction.connection.query(
            """
            WITH c AS (
                SELECT count(*) FILTER (WHERE status IN ('accepted', 'served'))::int AS accepted, count(*) FILTER (WHERE status = 'offered')::int AS offered
                FROM assignment WHERE event_id = \(eventId)),
            o AS (SELECT staffed_accepted AS accepted, staffed_offered AS offered, staffed_needed AS needed FROM activity_event WHERE id = \(eventId))
            UPDATE activity_event e SET staffed_accepted = c.accepted, staffed_offered = c.offered, staffed_needed = e.needed,
                filled_at = coalesce(\(filledAt), e.filled_at)
            FROM c, o
            WHERE e.id = \(eventId) AND (e.needed > 0 OR e.staffed_needed IS NOT NULL)
              AND ((o.accepted, o.offered, o.needed) IS DISTINCT FROM (c.accepted, c.offered, e.needed) OR \(filledAt)::timestamptz IS NOT NULL)
            RETURNING e.site_path, e.needed, c.accepted, c.offered, (o.accepted, o.offered, o.needed) IS DISTINCT FROM (c.accepted, c.offered, e.needed)
            """, logger: logger
        ).collect()
        guard let (path, needed, accepted, offered, changed) = try rows.first?.decode(([String], Int, Int, Int, Bool).self), changed else { return }
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
