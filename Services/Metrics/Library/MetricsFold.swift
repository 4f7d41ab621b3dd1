import KepuContracts

/// Turns facts into counter changes for one batch: pure arithmetic, no I/O. The handler supplies each fact's
/// session (and, for a capacity change, the old capacity) and writes the result.
///
/// Changes are summed per session first and spread over the session's units and periods once per batch (a
/// session's events are many, its groups about twenty).
struct MetricsFold: Sendable {
    private var sessions: [String: SessionFacts] = [:]
    private var perSession: [String: CountChanges] = [:]
    /// Per session, the residents reached, as their sketch hashes (hashed once here, not once per group; a repeat
    /// changes no sketch).
    private var residents: [String: [UInt64]] = [:]
    private var earliestPerSession: [String: Int64] = [:]
    /// Per session: seats booked, check-ins, no-shows, bookings made (for ranking sessions).
    private(set) var sessionDeltas: [String: SessionTally] = [:]
    /// Facts about sessions metrics has never heard of (they cannot be placed in the hierarchy).
    private(set) var unattributed = 0

    struct SessionTally: Sendable, Hashable {
        var seatsBooked: Int64 = 0
        var bookingsMade: Int64 = 0
        var checkIns: Int64 = 0
        var noShows: Int64 = 0
    }

    /// Additions to counters by group (never to `residents_reached`, which is a sketch; see `reached`).
    var groupDeltas: [CounterGroup: [KPI: Int64]] {
        // Summed by position (a session's changes are added to each of its twenty or so groups: by name that was
        // a string hash per count per group), named once per group at the end.
        var sums: [CounterGroup: CountChanges] = [:]
        for (id, changes) in perSession {
            guard let session = sessions[id] else { continue }
            // In place: a value taken out, changed and written back is copied while both hold it.
            for group in session.groups { sums[group, default: CountChanges()].add(changes) }
        }
        return sums.mapValues(\.byName)
    }

    /// The same, one entry per counter.
    var deltas: [CounterKey: Int64] {
        var result: [CounterKey: Int64] = [:]
        for (group, counts) in groupDeltas { for (kpi, amount) in counts { result[CounterKey(group: group, kpi: kpi)] = amount } }
        return result
    }

    /// Residents with a confirmed individual booking (their `ReachSketch.hash`es, possibly repeated), by the groups
    /// they count in (months and longer).
    var reached: [CounterGroup: [UInt64]] {
        var result: [CounterGroup: [UInt64]] = [:]
        for (id, people) in residents {
            guard let session = sessions[id] else { continue }
            for group in session.groups where KPI.reachPeriods.contains(group.period.kind) { result[group, default: []].append(contentsOf: people) }
        }
        return result
    }

    /// Per group, the earliest upstream publish time (ms since 1970) of the facts folded in.
    var earliestEvent: [CounterGroup: Int64] {
        var result: [CounterGroup: Int64] = [:]
        for (id, time) in earliestPerSession {
            guard let session = sessions[id] else { continue }
            for group in session.groups { result[group] = min(result[group] ?? time, time) }
        }
        return result
    }

    /// A session offered (created) or its capacity changed by `capacityChange`.
    mutating func offer(_ session: SessionFacts, newSession: Bool, capacityChange: Int, at timestamp: Int64?) {
        var changes: [(KPI, Int64)] = [(KPI.seatsOffered, Int64(capacityChange))]
        if newSession {
            changes.append((KPI.sessionsOffered, 1))
            if session.dedicated { changes.append((KPI.dedicatedSessions, 1)) }
        }
        add(changes, to: session, at: timestamp)
    }

    /// A fact about a known session (`session` nil: the session is unknown to metrics, so nothing is counted).
    mutating func fold(_ fact: BookingFact, session: SessionFacts?, at timestamp: Int64?) {
        guard let session else {
            if case .ignored = fact { return }
            if case .sessionClosed = fact { return }
            unattributed += 1
            return
        }
        var tally = sessionDeltas[session.sessionId] ?? SessionTally()
        switch fact {
        case .sessionPublished, .sessionClosed, .ignored:
            return
        case .confirmed(let event):
            let seats = Int64(event.seats)
            var changes: [(KPI, Int64)] = [(KPI.bookingsConfirmed, 1), (KPI.seatsConfirmed, seats), (KPI.bookingsMade, 1), (KPI.seatsBooked, seats)]
            if event.partyKind == .group { changes += [(KPI.groupBookings, 1), (KPI.groupHeadcount, seats)] }
            add(changes, to: session, at: timestamp)
            if event.partyKind != .group, let resident = event.residentId {
                residents[session.sessionId, default: []].append(ReachSketch.hash(resident))
            }
            tally.seatsBooked += seats
            tally.bookingsMade += 1
        case .waitlisted:
            add([(KPI.waitlisted, 1)], to: session, at: timestamp)
        case .promoted(let event):
            let seats = Int64(event.seats)
            var changes: [(KPI, Int64)] = [(KPI.promoted, 1), (KPI.promotedSeats, seats), (KPI.bookingsMade, 1), (KPI.seatsBooked, seats)]
            // A group served from the waitlist is served all the same; a resident promoted is reached.
            if event.partyKind == .group { changes += [(KPI.groupBookings, 1), (KPI.groupHeadcount, seats)] }
            add(changes, to: session, at: timestamp)
            if event.partyKind == .individual, let resident = event.residentId {
                residents[session.sessionId, default: []].append(ReachSketch.hash(resident))
            }
            tally.seatsBooked += seats
            tally.bookingsMade += 1
        case .cancelled(let event):
            add([(event.late ? KPI.cancelledLate : KPI.cancelledOnTime, 1), (KPI.seatsBooked, -Int64(event.seatsFreed))], to: session, at: timestamp)
            tally.seatsBooked -= Int64(event.seatsFreed)
        case .checkedIn(let event):
            add([(KPI.checkIns, 1), (KPI.checkedInSeats, Int64(event.seats))], to: session, at: timestamp)
            tally.checkIns += 1
        case .noShow:
            add([(KPI.noShows, 1)], to: session, at: timestamp)
            tally.noShows += 1
        case .rejected(_, let reason):
            add([(KPI.rejected, Int64(1))] + (reason == .full ? [(KPI.rejectedFull, Int64(1))] : []), to: session, at: timestamp)
        }
        sessionDeltas[session.sessionId] = tally
    }

    private mutating func add(_ changes: [(KPI, Int64)], to session: SessionFacts, at timestamp: Int64?) {
        let id = session.sessionId
        if sessions[id] == nil { sessions[id] = session }
        for (kpi, amount) in changes { perSession[id, default: CountChanges()].add(amount, to: kpi) }
        if let timestamp { earliestPerSession[id] = min(earliestPerSession[id] ?? timestamp, timestamp) }
    }
}

/// Changes to the counts (`KPI.counts`), by position.
struct CountChanges: Sendable {
    private var amounts = [Int64](repeating: 0, count: KPI.counts.count)

    mutating func add(_ amount: Int64, to kpi: KPI) { amounts[kpi.position] += amount }

    /// Adds (`sign` 1) or takes back (`sign` -1) counts given by name.
    mutating func add(_ counts: [KPI: Int64], sign: Int64) {
        for (kpi, amount) in counts { add(sign * amount, to: kpi) }
    }

    mutating func add(_ other: CountChanges) {
        for position in amounts.indices { amounts[position] += other.amounts[position] }
    }

    /// The counts that changed, by name.
    var byName: [KPI: Int64] {
        var result: [KPI: Int64] = [:]
        for (position, amount) in amounts.enumerated() where amount != 0 { result[KPI.counts[position]] = amount }
        return result
    }
}
