import Foundation
import PostgresNIO

// The statements every batch of requests runs, prepared: an unnamed statement is parsed and planned at every
// execution, and for a batch of a few dozen requests that took a fifth of the server's time.

/// Locks sessions in id order (two transactions locking overlapping sets cannot deadlock) and reads them, with
/// their waitlist entries counted.
struct LockSessions: PostgresPreparedStatement {
    static let sql = """
        SELECT id, venue_id, capacity, confirmed_seats, waitlisted_seats, booking_opens_at, booking_closes_at,
               cancellation_deadline, starts_at, ends_at, max_seats_per_request, group_min, group_max,
               waitlist_enabled, waitlist_cap, closed,
               (SELECT count(*)::int FROM booking b WHERE b.session_id = session.id AND b.status = 'waitlisted')
        FROM session WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE
        """
    typealias Row = BookingDecisions.Session

    let ids: [String]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(ids)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> BookingDecisions.Session {
        let (
            id, venueId, capacity, confirmed, waitlisted, opensAt, closesAt, cancellationDeadline, startsAt, endsAt, maxSeatsPerRequest, groupMin,
            groupMax, waitlistEnabled, waitlistCap, closed, waitingEntries
        ) = try row.decode((String, String, Int, Int, Int, Date, Date, Date, Date, Date, Int, Int, Int, Bool, Int, Bool, Int).self)
        return BookingDecisions.Session(
            id: id, venueId: venueId, capacity: capacity, confirmed: confirmed, waitlisted: waitlisted, waitingEntries: waitingEntries,
            opensAt: opensAt, closesAt: closesAt, cancellationDeadline: cancellationDeadline, startsAt: startsAt, endsAt: endsAt,
            maxSeatsPerRequest: maxSeatsPerRequest, groupMin: groupMin, groupMax: groupMax, waitlistEnabled: waitlistEnabled,
            waitlistCap: waitlistCap, closed: closed)
    }
}

/// The residents' suspensions in force, with the date each ends.
struct ActiveSuspensions: PostgresPreparedStatement {
    static let sql = "SELECT resident_id, suspended_until FROM resident_suspension WHERE resident_id = ANY($1::text[]) AND suspended_until > now()"
    typealias Row = (String, Date)

    let residents: [String]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(residents)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Claims request ids with their fingerprints; returns the ids claimed now (the others were claimed before).
struct ClaimRequests: PostgresPreparedStatement {
    static let sql = """
        INSERT INTO booking_request (request_id, fingerprint)
        SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (request_id) DO NOTHING RETURNING request_id
        """
    typealias Row = String

    let requestIds: [String]
    let fingerprints: [String]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(requestIds)
        bindings.append(fingerprints)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}

/// Inserts a run's bookings (in decision order, so waitlist entries take their sequence numbers in that order) and
/// adds their seats to the sessions' counters; returns one row per session updated. Empty strings stand for NULL
/// (arrays of optionals do not bind). The insert runs to completion as part of the statement (a data-modifying
/// WITH always does); the update is still conditional on capacity. The sessions are also named with `= ANY`: the
/// plan is generic (prepared), and with only the join to `unnest` it scanned every session row of a table of a few
/// thousand to update a dozen (`EXPLAIN ANALYZE`, 13 bookings over 2,000 sessions: 0.98 ms in the join, 0.34 ms
/// through the primary key).
struct WriteBookings: PostgresPreparedStatement {
    static let sql = """
        WITH inserted AS (
            INSERT INTO booking (id, session_id, request_id, party_kind, resident_id, unit_id, requested_seats, seats, accept_partial,
                                 status, waitlist_seq, claim_token_hash, contact_name, contact_phone)
            SELECT b.id, b.session, b.request, b.kind, NULLIF(b.resident, ''), NULLIF(b.unit, ''), b.requested, b.seats, b.partial,
                   b.status, CASE WHEN b.status = 'waitlisted' THEN nextval('booking_waitlist_seq') END, b.claim, NULLIF(b.name, ''),
                   NULLIF(b.phone, '')
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::bool[],
                        $10::text[], $11::text[], $12::text[], $13::text[])
                 WITH ORDINALITY AS b(id, session, request, kind, resident, unit, requested, seats, partial, status, claim, name, phone, n)
            ORDER BY b.n
        )
        UPDATE session s SET confirmed_seats = s.confirmed_seats + d.confirmed, waitlisted_seats = s.waitlisted_seats + d.waitlisted
        FROM unnest($14::text[], $15::int[], $16::int[]) AS d(id, confirmed, waitlisted)
        WHERE s.id = ANY($14::text[]) AND s.id = d.id AND s.confirmed_seats + d.confirmed <= s.capacity
        RETURNING s.id
        """
    typealias Row = String

    var ids: [String] = []
    var sessions: [String] = []
    var requests: [String] = []
    var kinds: [String] = []
    var residents: [String] = []
    var units: [String] = []
    var requestedSeats: [Int] = []
    var seats: [Int] = []
    var acceptPartial: [Bool] = []
    var statuses: [String] = []
    var claimTokenHashes: [String] = []
    var names: [String] = []
    var phones: [String] = []
    /// Per session: the seats confirmed and waitlisted by the run.
    var sessionIds: [String] = []
    var confirmedDeltas: [Int] = []
    var waitlistedDeltas: [Int] = []

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 16)
        for column in [ids, sessions, requests, kinds, residents, units] { bindings.append(column) }
        bindings.append(requestedSeats)
        bindings.append(seats)
        bindings.append(acceptPartial)
        for column in [statuses, claimTokenHashes, names, phones, sessionIds] { bindings.append(column) }
        bindings.append(confirmedDeltas)
        bindings.append(waitlistedDeltas)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> String { try row.decode(String.self) }
}
