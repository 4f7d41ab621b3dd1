import Foundation
import KepuContracts
import KepuRuntime
import PostgresNIO

/// Museum dedicated sessions (专场). Group requests for a museum name a date and are pooled per (museum, date).
/// When the pooled headcount reaches the museum's threshold a dedicated session opens and the pooled groups are
/// placed into it in arrival order (confirmed while they fit, then waitlisted). At the cutoff, groups in a pool
/// that never got there are offered the museum's public sessions that day, or rejected with `below_threshold`.
///
/// The pool row is locked (`FOR UPDATE`) by whoever changes it, so requests and the cutoff round never interleave.
extension BookingDecisions {
    /// A museum's dedicated-session settings, with the requested date's start and cutoff resolved in Asia/Shanghai.
    struct DedicatedSettings {
        let threshold: Int
        let capacity: Int
        let startTime: String
        let durationMinutes: Int
        let groupMin: Int
        let groupMax: Int
        let dayStart: Date
        let cutoffAt: Date
    }

    func requestDedicatedVisit(_ request: DedicatedVisitRequested, fingerprint: RequestFingerprint) async throws {
        switch try await claim(request.requestId, fingerprint: fingerprint, request: request) {
        case .repeated: return
        case .conflict: return rejectPooled(request, .conflict, "request id already used with other content")
        case .new: break
        }
        guard let settings = try await dedicatedSettings(venue: request.venueId, date: request.date) else {
            return rejectPooled(request, .unknownVenue, "venue \(request.venueId) is not a museum that takes dedicated-session requests")
        }
        guard (settings.groupMin...settings.groupMax).contains(request.headcount) else {
            return rejectPooled(request, .groupSize, "groups of \(settings.groupMin) to \(settings.groupMax)")
        }
        guard now < settings.cutoffAt else {
            return rejectPooled(
                request, .windowClosed, "pooling for \(request.date) closed at \(RFC3339.format(settings.cutoffAt)); book a public session")
        }
        try await connection.query(
            "INSERT INTO dedicated_pool (venue_id, visit_date) VALUES (\(request.venueId), \(request.date)::date) ON CONFLICT DO NOTHING",
            logger: logger)
        let pool = try await connection.query(
            "SELECT status, session_id, pooled_headcount FROM dedicated_pool WHERE venue_id = \(request.venueId) AND visit_date = \(request.date)::date FOR UPDATE",
            logger: logger
        ).collect().first?.decode((String, String?, Int).self)
        switch pool {
        case ("opened", let sessionId?, _)?:
            // The dedicated session exists: the group books into it like any other.
            guard let session = try await lockSession(sessionId) else { return }
            try await place(seatsRequest(request, session: sessionId), in: session)
        case ("pooling", _, let pooled)?:
            let total = pooled + request.headcount
            try await connection.query(
                """
                INSERT INTO dedicated_pool_entry (request_id, venue_id, visit_date, unit_id, headcount, contact_name, contact_phone, claim_token_hash)
                VALUES (\(request.requestId), \(request.venueId), \(request.date)::date, \(request.unitId), \(request.headcount),
                        \(request.contact?.name), \(request.contact?.phone), \(request.claimTokenHash))
                """, logger: logger)
            try await connection.query(
                "UPDATE dedicated_pool SET pooled_headcount = \(total) WHERE venue_id = \(request.venueId) AND visit_date = \(request.date)::date",
                logger: logger)
            emitAboutVenue(
                request.venueId, BookingEventType.groupPooled,
                GroupPooled(
                    requestId: request.requestId, venueId: request.venueId, date: request.date, headcount: request.headcount, pooledHeadcount: total,
                    threshold: settings.threshold, cutoffAt: settings.cutoffAt))
            if total >= settings.threshold {
                try await openDedicatedSession(venue: request.venueId, date: request.date, settings: settings, pooledHeadcount: total)
            }
        default:
            rejectPooled(request, .windowClosed, "pooling for \(request.date) has closed; book a public session")
        }
    }

    /// Opens the pool's dedicated session and places the pooled groups into it in arrival order.
    private func openDedicatedSession(venue: String, date: String, settings: DedicatedSettings, pooledHeadcount: Int) async throws {
        // Validated when the settings were stored.
        let (hour, minute) = (try? SessionAdministration.parseTime(settings.startTime)) ?? (9, 30)
        let startsAt = settings.dayStart.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60))
        let input = SessionInput(
            id: "ss_dedicated_\(venue)_\(date)", venueId: venue, title: "专场 dedicated session", startsAt: startsAt,
            endsAt: startsAt.addingTimeInterval(TimeInterval(settings.durationMinutes * 60)), capacity: settings.capacity, bookingOpensAt: now,
            bookingClosesAt: startsAt, cancellationDeadline: nil, maxSeatsPerRequest: nil, groupMin: settings.groupMin,
            groupMax: settings.groupMax, waitlistEnabled: true, waitlistCap: settings.capacity)
        let ids = try await SessionAdministration.create([input], dedicated: true, on: connection, logger: logger)
        guard let sessionId = ids.first else { return }
        try await connection.query(
            "UPDATE dedicated_pool SET status = 'opened', session_id = \(sessionId) WHERE venue_id = \(venue) AND visit_date = \(date)::date",
            logger: logger)
        try await SessionEvents.emitPublished(BookingEventType.sessionCreated, sessions: [sessionId], in: transaction)
        let entries = try await pooledEntries(venue: venue, date: date)
        emitAboutVenue(
            venue, BookingEventType.dedicatedSessionOpened,
            DedicatedSessionOpened(
                venueId: venue, date: date, sessionId: sessionId, capacity: settings.capacity, pooledHeadcount: pooledHeadcount, groups: entries.count
            ))
        for entry in entries {
            guard let session = try await lockSession(sessionId) else { return }
            try await place(entry.seatsRequest(session: sessionId), in: session)
        }
        try await connection.query(
            "UPDATE dedicated_pool_entry SET status = 'placed' WHERE venue_id = \(venue) AND visit_date = \(date)::date AND status = 'pooled'",
            logger: logger)
    }

    /// At the cutoff: offers each pooled group of an unfilled pool the first public session that day with room,
    /// in arrival order; a group nothing fits is rejected with `below_threshold`. Returns how many pools it closed.
    func closeDuePools(limit: Int = 20) async throws -> Int {
        let pools = try await connection.query(
            """
            SELECT p.venue_id, p.visit_date::text, (p.visit_date::timestamp AT TIME ZONE 'Asia/Shanghai'), p.pooled_headcount, m.threshold
            FROM dedicated_pool p JOIN museum_dedicated_settings m ON m.venue_id = p.venue_id
            WHERE p.status = 'pooling'
              AND (p.visit_date::timestamp AT TIME ZONE 'Asia/Shanghai') - make_interval(days => m.cutoff_days) <= \(now)
            ORDER BY p.visit_date LIMIT \(limit) FOR UPDATE OF p SKIP LOCKED
            """, logger: logger
        ).collect()
        for row in pools {
            let (venue, date, dayStart, pooled, threshold) = try row.decode((String, String, Date, Int, Int).self)
            try await connection.query(
                "UPDATE dedicated_pool SET status = 'closed' WHERE venue_id = \(venue) AND visit_date = \(date)::date", logger: logger)
            for entry in try await pooledEntries(venue: venue, date: date) {
                let placed = try await offerPublicSession(entry, venue: venue, dayStart: dayStart)
                if !placed {
                    emitAboutVenue(
                        venue, BookingEventType.rejected,
                        BookingRejected(
                            requestId: entry.requestId, reason: .belowThreshold,
                            detail:
                                "the pool for \(date) reached \(pooled) of \(threshold) by the cutoff, and no public session that day has \(entry.headcount) seats"
                        ))
                }
                try await connection.query(
                    "UPDATE dedicated_pool_entry SET status = \(placed ? "placed" : "rejected") WHERE request_id = \(entry.requestId)", logger: logger
                )
            }
        }
        return pools.count
    }

    /// Confirms the group into the earliest public session of the day it fits whole; false if none.
    private func offerPublicSession(_ entry: PoolEntry, venue: String, dayStart: Date) async throws -> Bool {
        let candidates = try await connection.query(
            """
            SELECT id FROM session
            WHERE venue_id = \(venue) AND NOT dedicated AND NOT closed AND starts_at > \(now)
              AND starts_at >= \(dayStart) AND starts_at < \(dayStart.addingTimeInterval(86400))
              AND group_min <= \(entry.headcount) AND group_max >= \(entry.headcount) AND capacity - confirmed_seats >= \(entry.headcount)
            ORDER BY starts_at, id
            """, logger: logger
        ).collect()
        for row in candidates {
            guard let session = try await lockSession(try row.decode(String.self)), session.free >= entry.headcount else { continue }
            try await confirm(entry.seatsRequest(session: session.id), session: session, seats: entry.headcount)
            return true
        }
        return false
    }

    // MARK: - Rows

    struct PoolEntry {
        let requestId: String
        let unitId: String
        let headcount: Int
        let contact: BookingContact?
        /// Empty for an entry pooled before claim tokens: its booking is stored without one.
        let claimTokenHash: String

        func seatsRequest(session: String) -> SeatsRequested {
            SeatsRequested(
                requestId: requestId, sessionId: session, party: .group(unitId: unitId, headcount: headcount, acceptPartial: false), contact: contact,
                claimTokenHash: claimTokenHash)
        }
    }

    private func pooledEntries(venue: String, date: String) async throws -> [PoolEntry] {
        try await connection.query(
            """
            SELECT request_id, unit_id, headcount, contact_name, contact_phone, claim_token_hash FROM dedicated_pool_entry
            WHERE venue_id = \(venue) AND visit_date = \(date)::date AND status = 'pooled' ORDER BY seq
            """, logger: logger
        ).collect().map { row in
            let (requestId, unitId, headcount, name, phone, claimTokenHash) = try row.decode((String, String, Int, String?, String?, String?).self)
            let contact = name.map { BookingContact(name: $0, phone: phone ?? "") }
            return PoolEntry(requestId: requestId, unitId: unitId, headcount: headcount, contact: contact, claimTokenHash: claimTokenHash ?? "")
        }
    }

    private func dedicatedSettings(venue: String, date: String) async throws -> DedicatedSettings? {
        let row = try await connection.query(
            """
            SELECT m.threshold, m.capacity, m.start_time, m.duration_minutes, m.group_min, m.group_max,
                   (\(date)::date::timestamp AT TIME ZONE 'Asia/Shanghai'),
                   (\(date)::date::timestamp AT TIME ZONE 'Asia/Shanghai') - make_interval(days => m.cutoff_days)
            FROM museum_dedicated_settings m JOIN venue v ON v.id = m.venue_id
            WHERE m.venue_id = \(venue) AND v.kind = 'museum' AND v.status = 'active'
            """, logger: logger
        ).collect().first
        guard
            let (threshold, capacity, startTime, durationMinutes, groupMin, groupMax, dayStart, cutoffAt) =
                try row?.decode((Int, Int, String, Int, Int, Int, Date, Date).self)
        else { return nil }
        return DedicatedSettings(
            threshold: threshold, capacity: capacity, startTime: startTime, durationMinutes: durationMinutes, groupMin: groupMin, groupMax: groupMax,
            dayStart: dayStart, cutoffAt: cutoffAt)
    }

    private func seatsRequest(_ request: DedicatedVisitRequested, session: String) -> SeatsRequested {
        PoolEntry(
            requestId: request.requestId, unitId: request.unitId, headcount: request.headcount, contact: request.contact,
            claimTokenHash: request.claimTokenHash
        )
        .seatsRequest(session: session)
    }

    private func rejectPooled(_ request: DedicatedVisitRequested, _ reason: RejectionReason, _ detail: String) {
        emitAboutVenue(request.venueId, BookingEventType.rejected, BookingRejected(requestId: request.requestId, reason: reason, detail: detail))
    }

    private func emitAboutVenue<Payload: Encodable>(_ venue: String, _ type: String, _ payload: Payload) {
        guard let event = try? BookingEvent.about(venue: venue, type, payload) else {
            logger.error("could not encode \(type)")
            return
        }
        transaction.emit(event)
    }
}
