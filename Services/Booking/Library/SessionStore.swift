import Foundation
import KepuContracts
import KepuRuntime
import Logging
import PostgresNIO

/// Sessions as the HTTP API reads and changes them. Changes run in outbox transactions: each emits its session
/// event in the same commit.
struct SessionStore {
    let client: PostgresClient
    let logger: Logger

    /// Inserts sessions and publishes them; their ids.
    func create(_ sessions: [SessionInput]) async throws -> [String] {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let venues = Array(Set(sessions.map(\.venueId)))
            let retired = try await transaction.connection.query(
                "SELECT id FROM venue WHERE id = ANY(\(venues)::text[]) AND status = 'retired' ORDER BY id LIMIT 1", logger: logger
            ).collect().first
            if let retired { throw AdminInputError("venue \(try retired.decode(String.self)) is retired: it takes no new sessions") }
            let ids = try await SessionAdministration.create(sessions, on: transaction.connection, logger: logger)
            try await SessionEvents.emitPublished(BookingEventType.sessionCreated, sessions: ids, in: transaction)
            return ids
        }
    }

    /// Sets a session's capacity, never below what is confirmed (the condition is in the statement, not a separate
    /// read); more seats move the waitlist up now. False when there is no such session or too many are confirmed.
    func setCapacity(_ capacity: Int, session id: String, policy: NoShowPolicy) async throws -> Bool {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let rows = try await transaction.connection.query(
                "UPDATE session SET capacity = \(capacity) WHERE id = \(id) AND confirmed_seats <= \(capacity) RETURNING id", logger: logger
            ).collect()
            guard !rows.isEmpty else { return false }
            try await SessionEvents.emitPublished(BookingEventType.sessionChanged, sessions: [id], in: transaction)
            try await BookingDecisions(transaction: transaction, now: Date(), policy: policy).promote(sessionId: id)
            return true
        }
    }

    enum CloseOutcome { case closed, alreadyClosed, unknown }

    /// Closes a session to new bookings (once: closing a closed session changes and publishes nothing).
    func close(session id: String) async throws -> CloseOutcome {
        let closed = try await client.withOutboxTransaction(logger: logger) { transaction in
            let rows = try await transaction.connection.query(
                """
                UPDATE session s SET closed = true FROM venue v
                WHERE s.id = \(id) AND v.id = s.venue_id AND NOT s.closed RETURNING v.id, v.unit_path
                """, logger: logger
            ).collect()
            guard let (venue, unitPath) = try rows.first?.decode((String, [String]).self) else { return false }
            try SessionEvents.emitClosed(id, venue: venue, unitPath: unitPath, in: transaction)
            return true
        }
        if closed { return .closed }
        return try await client.query("SELECT 1 FROM session WHERE id = \(id)", logger: logger).collect().isEmpty ? .unknown : .alreadyClosed
    }

    /// Who holds or waits for seats, in booking order: for the site's staff at the door (admin only: it carries
    /// contact details).
    func roster(session id: String) async throws -> [RosterEntry] {
        var roster: [RosterEntry] = []
        for try await (bookingId, status, seats, resident, unit, name, phone) in try await client.query(
            """
            SELECT id, status, seats, resident_id, unit_id, contact_name, contact_phone FROM booking
            WHERE session_id = \(id) AND status IN ('confirmed', 'checked_in', 'waitlisted') ORDER BY created_at
            """, logger: logger
        ).decode((String, BookingStatus, Int, String?, String?, String?, String?).self) {
            roster.append(
                RosterEntry(
                    bookingId: bookingId, status: status, seats: seats, residentId: resident, unitId: unit, contactName: name, contactPhone: phone))
        }
        return roster
    }

    /// One session as anyone may see it.
    func publicSession(_ id: String) async throws -> PublicSession? {
        let rows = try await client.query("SELECT \(unescaped: Self.publicColumns) FROM session WHERE id = \(id)", logger: logger).collect()
        return try rows.first.map { PublicSession(try $0.decode(PublicSession.Columns.self)) }
    }

    /// A venue's sessions starting on Shanghai days `from` to `to` (inclusive, `yyyy-MM-dd`), at most 1,000.
    func sessions(venue id: String, from: String, to: String) async throws -> [PublicSession] {
        var sessions: [PublicSession] = []
        for try await columns in try await client.query(
            """
            SELECT \(unescaped: Self.publicColumns) FROM session
            WHERE venue_id = \(id)
              AND starts_at >= (\(from)::date::timestamp AT TIME ZONE 'Asia/Shanghai')
              AND starts_at < ((\(to)::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
            ORDER BY starts_at, id LIMIT 1000
            """, logger: logger
        ).decode(PublicSession.Columns.self) {
            sessions.append(PublicSession(columns))
        }
        return sessions
    }

    static let publicColumns = "id, venue_id, title, starts_at, ends_at, capacity, confirmed_seats, waitlisted_seats, closed, dedicated"
}

/// Bookings as the public lookup reads them.
struct BookingLookupStore {
    let client: PostgresClient
    let logger: Logger

    /// The booking with this id, if `claimToken` is its claim token: a wrong token reads as no booking.
    func booking(_ id: String, claimToken: String) async throws -> BookingSummary? {
        let rows = try await client.query(
            "SELECT id, session_id, status, seats, claim_token_hash FROM booking WHERE id = \(id)", logger: logger
        ).collect()
        guard let (bookingId, sessionId, status, seats, hash) = try rows.first?.decode((String, String, BookingStatus, Int, String?).self),
            hash == ClaimToken.hash(claimToken)
        else { return nil }
        return BookingSummary(id: bookingId, sessionId: sessionId, status: status, seats: seats)
    }
}
