import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// The rules, applied inside the batch's transaction. Each request locks its session row (`FOR UPDATE`), so even
/// two replicas briefly owning the same partition during a rebalance decide one after the other.
struct BookingDecisions {
    let transaction: HandlerTransaction
    let now: Date
    let policy: NoShowPolicy
    var connection: PostgresConnection { transaction.connection }
    var logger: Logger { transaction.logger }
    var suspensions: Suspensions { Suspensions(policy: policy, connection: connection, logger: logger) }

    struct Session {
        let id: String
        let venueId: String
        let capacity: Int
        var confirmed: Int
        var waitlisted: Int
        /// Bookings on the waitlist (entries, not seats): a new entry's position is this plus one.
        var waitingEntries: Int
        let opensAt: Date
        let closesAt: Date
        let cancellationDeadline: Date
        let startsAt: Date
        let endsAt: Date
        let maxSeatsPerRequest: Int
        let groupMin: Int
        let groupMax: Int
        let waitlistEnabled: Bool
        let waitlistCap: Int
        let closed: Bool
        var free: Int { capacity - confirmed }
    }

    enum Claim { case new, repeated, conflict }

    // MARK: - Requests

    /// Seats for an admissible request on a locked session: confirmed if they fit (a group that accepts a partial
    /// offer takes what is left, if that is at least the minimum group size), else waitlisted if there is room,
    /// else rejected as full.
    func place(_ request: SeatsRequested, in session: Session) async throws {
        var acceptPartial = false
        if case .group(_, _, let partial) = request.party { acceptPartial = partial }
        switch SeatPlacement.decide(requested: request.party.seats, acceptPartial: acceptPartial, on: session) {
        case .confirm(let seats): try await confirm(request, session: session, seats: seats)
        case .waitlist: try await waitlist(request, session: session)
        case .full(let detail): reject(requestId: request.requestId, sessionId: session.id, .full, detail)
        }
    }

    func cancel(_ request: CancellationRequested, fingerprint: RequestFingerprint) async throws {
        guard
            let (booking, session) = try await claimBooking(
                request.requestId, fingerprint: fingerprint, request: request, booking: request.bookingId, claimToken: request.claimToken)
        else {
            return
        }
        switch booking.status {
        case .confirmed:
            let late = now > session.cancellationDeadline
            try await connection.query(
                "UPDATE booking SET status = 'cancelled', cancelled_late = \(late), updated_at = now() WHERE id = \(booking.id)", logger: logger)
            try await connection.query(
                "UPDATE session SET confirmed_seats = confirmed_seats - \(booking.seats) WHERE id = \(session.id)", logger: logger)
            emit(
                BookingEventType.cancelled, session: session.id,
                BookingCancelled(requestId: request.requestId, bookingId: booking.id, sessionId: session.id, seatsFreed: booking.seats, late: late))
            if late {
                // A late cancellation counts as a no-show.
                for event in try await suspensions.recordNoShow(
                    booking: booking.id, session: session.id, resident: booking.residentId, unit: booking.unitId, seats: booking.seats,
                    lateCancellation: true)
                {
                    transaction.emit(event)
                }
            }
            try await promote(sessionId: session.id)
        case .waitlisted:
            try await connection.query("UPDATE booking SET status = 'cancelled', updated_at = now() WHERE id = \(booking.id)", logger: logger)
            try await connection.query(
                "UPDATE session SET waitlisted_seats = waitlisted_seats - \(booking.requestedSeats) WHERE id = \(session.id)", logger: logger)
            emit(
                BookingEventType.cancelled, session: session.id,
                BookingCancelled(requestId: request.requestId, bookingId: booking.id, sessionId: session.id, seatsFreed: 0, late: false))
        default:
            reject(requestId: request.requestId, sessionId: session.id, .invalid, "the booking is \(booking.status.words)")
        }
    }

    /// Check-in opens this long before the session starts.
    static let checkInOpensBefore: TimeInterval = 2 * 3600

    func checkIn(_ request: CheckInRequested, fingerprint: RequestFingerprint) async throws {
        guard
            let (booking, session) = try await claimBooking(
                request.requestId, fingerprint: fingerprint, request: request, booking: request.bookingId, claimToken: request.claimToken)
        else {
            return
        }
        guard booking.status == .confirmed else {
            return reject(requestId: request.requestId, sessionId: session.id, .invalid, "the booking is \(booking.status.words)")
        }
        guard now >= session.startsAt.addingTimeInterval(-Self.checkInOpensBefore), now <= session.endsAt else {
            return reject(
                requestId: request.requestId, sessionId: session.id, .invalid, "check-in is open from two hours before the session until it ends")
        }
        try await connection.query("UPDATE booking SET status = 'checked_in', updated_at = now() WHERE id = \(booking.id)", logger: logger)
        emit(
            BookingEventType.checkedIn, session: session.id,
            BookingCheckedIn(requestId: request.requestId, bookingId: booking.id, sessionId: session.id, seats: booking.seats))
    }

    /// What cancellations and check-ins start with: claim the request id, lock the booking and its session, check
    /// the code. Nil when the request is already answered (a repeat) or was rejected here.
    private func claimBooking<Request: Encodable>(
        _ requestId: String, fingerprint: RequestFingerprint, request: Request, booking bookingId: String, claimToken: String
    ) async throws -> (BookingRow, Session)? {
        switch try await claim(requestId, fingerprint: fingerprint, request: request) {
        case .repeated: return nil
        case .conflict:
            reject(requestId: requestId, sessionId: nil, .conflict, "request id already used with other content")
            return nil
        case .new: break
        }
        guard let booking = try await lockBooking(bookingId), let session = try await lockSession(booking.sessionId) else {
            reject(requestId: requestId, sessionId: nil, .unknownBooking, "no booking \(bookingId)")
            return nil
        }
        guard let stored = booking.claimTokenHash, ClaimToken.hash(claimToken) == stored else {
            reject(requestId: requestId, sessionId: session.id, .invalid, "the claim token does not match the booking")
            return nil
        }
        return (booking, session)
    }

    // MARK: - Effects

    func confirm(_ request: SeatsRequested, session: Session, seats: Int) async throws {
        // Conditional: even if the code above were wrong, the row (and its CHECK) refuse to overbook.
        let taken = try await connection.query(
            """
            UPDATE session SET confirmed_seats = confirmed_seats + \(seats)
            WHERE id = \(session.id) AND confirmed_seats + \(seats) <= capacity RETURNING id
            """, logger: logger
        ).collect()
        guard !taken.isEmpty else {
            return reject(requestId: request.requestId, sessionId: session.id, .full, "no seats left")
        }
        let bookingId = try await insertBooking(request, session: session, seats: seats, status: .confirmed)
        let (kind, resident, unit) = partyColumns(request.party)
        emit(
            BookingEventType.confirmed, session: session.id,
            BookingConfirmed(
                requestId: request.requestId, bookingId: bookingId, sessionId: session.id, venueId: session.venueId, seats: seats,
                partyKind: kind, residentId: resident, unitId: unit))
    }

    private func waitlist(_ request: SeatsRequested, session: Session) async throws {
        try await connection.query(
            "UPDATE session SET waitlisted_seats = waitlisted_seats + \(request.party.seats) WHERE id = \(session.id)", logger: logger)
        let bookingId = try await insertBooking(request, session: session, seats: request.party.seats, status: .waitlisted)
        emit(
            BookingEventType.waitlisted, session: session.id,
            BookingWaitlisted(
                requestId: request.requestId, bookingId: bookingId, sessionId: session.id, seats: request.party.seats,
                position: session.waitingEntries + 1))
    }

    /// Offers freed seats to the waitlist in arrival order: each entry that fits is confirmed whole; a group that
    /// accepts a partial offer takes what is left if that is at least the session's minimum group size.
    func promote(sessionId: String) async throws {
        guard let session = try await lockSession(sessionId), session.free > 0 else { return }
        let waiting = try await connection.query(
            """
            SELECT id, requested_seats, accept_partial, party_kind, resident_id, unit_id FROM booking
            WHERE session_id = \(sessionId) AND status = 'waitlisted' ORDER BY waitlist_seq
            """, logger: logger
        ).collect()
        var free = session.free
        for row in waiting where free > 0 {
            let (id, requested, acceptPartial, partyKind, residentId, unitId) = try row.decode((String, Int, Bool, PartyKind, String?, String?).self)
            let seats = requested <= free ? requested : (acceptPartial && free >= session.groupMin ? free : 0)
            guard seats > 0 else { continue }
            try await connection.query(
                """
                UPDATE session SET confirmed_seats = confirmed_seats + \(seats), waitlisted_seats = waitlisted_seats - \(requested)
                WHERE id = \(sessionId) AND confirmed_seats + \(seats) <= capacity
                """, logger: logger)
            try await connection.query(
                "UPDATE booking SET status = 'confirmed', seats = \(seats), waitlist_seq = NULL, updated_at = now() WHERE id = \(id)",
                logger: logger)
            free -= seats
            emit(
                BookingEventType.promoted, session: sessionId,
                BookingPromoted(
                    bookingId: id, sessionId: sessionId, seats: seats, requestedSeats: requested, partyKind: partyKind, residentId: residentId,
                    unitId: unitId))
        }
    }

    func reject(requestId: String, sessionId: String?, _ reason: RejectionReason, _ detail: String, suspendedUntil: Date? = nil) {
        // A detail can quote input (a decoder's message): bounded as the contract bounds it.
        emit(
            BookingEventType.rejected, session: sessionId ?? "unknown",
            BookingRejected(
                requestId: requestId, sessionId: sessionId, reason: reason, detail: FieldLimit.truncated(detail, maxBytes: FieldLimit.text),
                suspendedUntil: suspendedUntil))
    }

    func emit<Payload: Encodable>(_ type: String, session: String, _ payload: Payload) {
        // The payloads are plain structs; encoding them cannot fail short of a bug, which the log shows.
        guard let event = try? BookingEvent.about(session: session, type, payload) else {
            logger.error("could not encode \(type)")
            return
        }
        transaction.emit(event)
    }

    // MARK: - Rows

    func claim<Request: Encodable>(_ requestId: String, fingerprint: RequestFingerprint, request: Request) async throws -> Claim {
        let inserted = try await connection.query(
            """
            INSERT INTO booking_request (request_id, fingerprint) VALUES (\(requestId), \(fingerprint.stored))
            ON CONFLICT (request_id) DO NOTHING RETURNING request_id
            """, logger: logger
        ).collect()
        if !inserted.isEmpty { return .new }
        let previous = try await connection.query(
            "SELECT fingerprint FROM booking_request WHERE request_id = \(requestId)", logger: logger
        ).collect().first?.decode(String.self)
        return fingerprint.repeats(previous, payload: request) ? .repeated : .conflict
    }

    func lockSession(_ id: String) async throws -> Session? {
        try await lockSessions([id])[id]
    }

    /// Locks the sessions in id order (two transactions locking overlapping sets cannot deadlock), by id.
    func lockSessions(_ ids: [String]) async throws -> [String: Session] {
        var sessions: [String: Session] = [:]
        for try await session in try await connection.execute(LockSessions(ids: ids), logger: logger) { sessions[session.id] = session }
        return sessions
    }

    struct BookingRow {
        let id: String
        let sessionId: String
        let status: BookingStatus
        let seats: Int
        let requestedSeats: Int
        /// Nil only for a booking placed from a pool entry made before claim tokens (it cannot be claimed).
        let claimTokenHash: String?
        let residentId: String?
        let unitId: String?
    }

    private func lockBooking(_ id: String) async throws -> BookingRow? {
        let rows = try await connection.query(
            "SELECT id, session_id, status, seats, requested_seats, claim_token_hash, resident_id, unit_id FROM booking WHERE id = \(id) FOR UPDATE",
            logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        let (bookingId, sessionId, status, seats, requestedSeats, claimTokenHash, residentId, unitId) =
            try row.decode((String, String, BookingStatus, Int, Int, String?, String?, String?).self)
        return BookingRow(
            id: bookingId, sessionId: sessionId, status: status, seats: seats, requestedSeats: requestedSeats, claimTokenHash: claimTokenHash,
            residentId: residentId, unitId: unitId)
    }

    private func insertBooking(_ request: SeatsRequested, session: Session, seats: Int, status: BookingStatus) async throws -> String {
        let id = Self.newBookingId()
        let (kind, resident, unit) = partyColumns(request.party)
        var acceptPartial = false
        if case .group(_, _, let partial) = request.party { acceptPartial = partial }
        let waitlisted = status == .waitlisted
        try await connection.query(
            """
            INSERT INTO booking (id, session_id, request_id, party_kind, resident_id, unit_id, requested_seats, seats, accept_partial,
                                 status, waitlist_seq, claim_token_hash, contact_name, contact_phone)
            VALUES (\(id), \(session.id), \(request.requestId), \(kind), \(resident), \(unit), \(request.party.seats), \(seats), \(acceptPartial),
                    \(status), CASE WHEN \(waitlisted) THEN nextval('booking_waitlist_seq') END, \(request.claimTokenHash.isEmpty ? nil : request.claimTokenHash),
                    \(request.contact?.name), \(request.contact?.phone))
            """, logger: logger)
        return id
    }

    /// `bk_` and 16 lowercase hex digits: 64 random bits, drawn in one call (a UUID string, then edited, cost more
    /// than the rest of a booking's decision).
    static func newBookingId() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = String(generator.next() as UInt64, radix: 16)
        return "bk_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    func partyColumns(_ party: BookingParty) -> (kind: PartyKind, resident: String?, unit: String?) {
        switch party {
        case .individual(let resident, _): (.individual, resident, nil)
        case .group(let unit, _, _): (.group, nil, unit)
        }
    }
}
