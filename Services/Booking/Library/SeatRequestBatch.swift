import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Seat requests decided as a set: a handful of statements per run of requests instead of several per request.
/// The run's request ids are claimed in one insert, its sessions locked in one `FOR UPDATE` (in id order), the
/// suspensions read in one query; the requests are then decided in memory in arrival order with the same rules
/// as everywhere else (`SeatAdmission`, `SeatPlacement`), and written with `unnest`. The session update is still
/// conditional and the CHECK still holds: if the in-memory arithmetic were ever wrong the statement fails, the
/// batch rolls back, and the runner retries its commands one by one.
extension BookingDecisions {
    private enum Decision {
        case skip // a repeat: answered before
        case reject(requestId: String, sessionId: String, SeatAdmission.Refusal)
        case confirm(NewBooking)
        case waitlist(NewBooking)
    }

    private struct NewBooking {
        let id: String
        let request: SeatsRequested
        let session: Session
        let seats: Int
        /// The waitlist position (0 for a confirmed booking).
        var position = 0
    }

    func requestSeats(_ requests: [(request: SeatsRequested, fingerprint: RequestFingerprint)]) async throws {
        guard !requests.isEmpty else { return }
        let claims = try await claimAll(requests)
        var sessions = try await lockSessions(Array(Set(requests.map(\.request.sessionId))))
        let residents = requests.compactMap { item -> String? in
            if case .individual(let resident, _) = item.request.party { return resident }
            return nil
        }
        let suspended = try await suspensions.activeSuspensions(of: Array(Set(residents)))

        var decisions: [Decision] = []
        decisions.reserveCapacity(requests.count)
        for (index, (request, _)) in requests.enumerated() {
            switch claims[index] {
            case .repeated:
                decisions.append(.skip)
                continue
            case .conflict:
                decisions.append(
                    .reject(
                        requestId: request.requestId, sessionId: request.sessionId,
                        .init(reason: .conflict, detail: "request id already used with other content")))
                continue
            case .new: break
            }
            guard var session = sessions[request.sessionId] else {
                decisions.append(
                    .reject(
                        requestId: request.requestId, sessionId: request.sessionId,
                        .init(reason: .unknownSession, detail: "no session \(request.sessionId)")))
                continue
            }
            var suspendedUntil: Date?
            if case .individual(let resident, _) = request.party { suspendedUntil = suspended[resident] }
            if let refusal = SeatAdmission.check(request, on: session, now: now, suspendedUntil: suspendedUntil) {
                decisions.append(.reject(requestId: request.requestId, sessionId: session.id, refusal))
                continue
            }
            var acceptPartial = false
            if case .group(_, _, let partial) = request.party { acceptPartial = partial }
            switch SeatPlacement.decide(requested: request.party.seats, acceptPartial: acceptPartial, on: session) {
            case .confirm(let seats):
                session.confirmed += seats
                decisions.append(.confirm(NewBooking(id: Self.newBookingId(), request: request, session: session, seats: seats)))
            case .waitlist:
                session.waitlisted += request.party.seats
                session.waitingEntries += 1
                decisions.append(
                    .waitlist(
                        NewBooking(
                            id: Self.newBookingId(), request: request, session: session, seats: request.party.seats,
                            position: session.waitingEntries)))
            case .full(let detail):
                decisions.append(.reject(requestId: request.requestId, sessionId: session.id, .init(reason: .full, detail: detail)))
            }
            sessions[session.id] = session
        }
        try await write(decisions)
        for decision in decisions {
            switch decision {
            case .skip: break
            case .reject(let requestId, let sessionId, let refusal):
                reject(requestId: requestId, sessionId: sessionId, refusal.reason, refusal.detail, suspendedUntil: refusal.suspendedUntil)
            case .confirm(let booking):
                let (kind, resident, unit) = partyColumns(booking.request.party)
                emit(
                    BookingEventType.confirmed, session: booking.session.id,
                    BookingConfirmed(
                        requestId: booking.request.requestId, bookingId: booking.id, sessionId: booking.session.id, venueId: booking.session.venueId,
                        seats: booking.seats, partyKind: kind, residentId: resident, unitId: unit))
            case .waitlist(let booking):
                emit(
                    BookingEventType.waitlisted, session: booking.session.id,
                    BookingWaitlisted(
                        requestId: booking.request.requestId, bookingId: booking.id, sessionId: booking.session.id, seats: booking.seats,
                        position: booking.position))
            }
        }
    }

    /// Claims every request id of the run in one insert. A request id seen earlier in the same run is a repeat
    /// (same content) or a conflict, exactly as if it had come in a later batch.
    private func claimAll(_ requests: [(request: SeatsRequested, fingerprint: RequestFingerprint)]) async throws -> [Claim] {
        var firstFingerprint: [String: String] = [:]
        var firstIndex: [Int] = []
        for (index, item) in requests.enumerated() where firstFingerprint[item.request.requestId] == nil {
            firstFingerprint[item.request.requestId] = item.fingerprint.stored
            firstIndex.append(index)
        }
        let ids = firstIndex.map { requests[$0].request.requestId }
        let fingerprints = firstIndex.map { requests[$0].fingerprint.stored }
        var inserted = Set<String>()
        for try await id in try await connection.execute(ClaimRequests(requestIds: ids, fingerprints: fingerprints), logger: logger) {
            inserted.insert(id)
        }
        var earlier: [String: String] = [:]
        let known = ids.filter { !inserted.contains($0) }
        if !known.isEmpty {
            for try await (id, fingerprint) in try await connection.query(
                "SELECT request_id, fingerprint FROM booking_request WHERE request_id = ANY(\(known))", logger: logger
            ).decode((String, String).self) {
                earlier[id] = fingerprint
            }
        }
        var claimedHere = Set<String>()
        return requests.map { item in
            let id = item.request.requestId
            if inserted.contains(id), claimedHere.insert(id).inserted { return .new }
            let previous = inserted.contains(id) ? firstFingerprint[id] : earlier[id]
            return item.fingerprint.repeats(previous, payload: item.request) ? .repeated : .conflict
        }
    }

    /// Writes the run's bookings and the sessions' seat counters in one statement. Waitlist entries take their
    /// sequence numbers in decision order (the rows are inserted in that order), which is the order promotion
    /// follows.
    private func write(_ decisions: [Decision]) async throws {
        var bookings: [(NewBooking, waitlisted: Bool)] = []
        for decision in decisions {
            switch decision {
            case .confirm(let booking): bookings.append((booking, false))
            case .waitlist(let booking): bookings.append((booking, true))
            case .skip, .reject: break
            }
        }
        guard !bookings.isEmpty else { return }
        var statement = WriteBookings()
        var delta: [String: (confirmed: Int, waitlisted: Int)] = [:]
        for (booking, isWaitlisted) in bookings {
            let (kind, resident, unit) = partyColumns(booking.request.party)
            var partial = false
            if case .group(_, _, let accept) = booking.request.party { partial = accept }
            statement.ids.append(booking.id)
            statement.sessions.append(booking.session.id)
            statement.requests.append(booking.request.requestId)
            statement.kinds.append(kind.rawValue)
            statement.residents.append(resident ?? "")
            statement.units.append(unit ?? "")
            statement.requestedSeats.append(booking.request.party.seats)
            statement.seats.append(booking.seats)
            statement.acceptPartial.append(partial)
            statement.statuses.append((isWaitlisted ? BookingStatus.waitlisted : .confirmed).rawValue)
            statement.claimTokenHashes.append(booking.request.claimTokenHash)
            statement.names.append(booking.request.contact?.name ?? "")
            statement.phones.append(booking.request.contact?.phone ?? "")
            delta[booking.session.id, default: (0, 0)].confirmed += isWaitlisted ? 0 : booking.seats
            delta[booking.session.id, default: (0, 0)].waitlisted += isWaitlisted ? booking.seats : 0
        }
        statement.sessionIds = Array(delta.keys)
        statement.confirmedDeltas = statement.sessionIds.map { delta[$0]?.confirmed ?? 0 }
        statement.waitlistedDeltas = statement.sessionIds.map { delta[$0]?.waitlisted ?? 0 }
        var updated = 0
        for try await _ in try await connection.execute(statement, logger: logger) { updated += 1 }
        guard updated == statement.sessionIds.count else {
            throw SeatArithmeticError(detail: "\(statement.sessionIds.count - updated) sessions refused the batch's seats")
        }
    }
}

/// The database refused seats the in-memory decisions handed out: never expected; the batch is rolled back.
struct SeatArithmeticError: Error, CustomStringConvertible {
    let detail: String
    var description: String { "seat arithmetic disagrees with the database: \(detail)" }
}
