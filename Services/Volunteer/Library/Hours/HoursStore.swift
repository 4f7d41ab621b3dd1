import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Service hours: recorded as pending when an event is held (from the volunteer's check-in and check-out when
/// reported, else the event's length), verified or adjusted by the team leader with a reason, totalled per
/// volunteer; star levels are raised once, in the transaction that crosses them. An event's hours are one row per
/// volunteer, so no redelivery records them twice.
struct HoursStore {
    let logger: Logger

    /// The accepted assignments of a held event become served, each with its pending hours.
    func recordServed(_ eventId: String, in transaction: HandlerTransaction) async throws {
        let connection = transaction.connection
        let served = try await connection.query(
            """
            UPDATE assignment SET status = 'served' WHERE event_id = \(eventId) AND status = 'accepted'
            RETURNING id, event_id, volunteer_id, status, lower(during), upper(during), respond_by
            """, logger: logger
        ).collect()
        try AssignmentEvents.emit(served, in: transaction)
        guard !served.isEmpty else { return }
        let rows = try await connection.query(
            """
            INSERT INTO service_hours (event_id, volunteer_id, team_id, day, minutes, status)
            SELECT a.event_id, a.volunteer_id, v.team_id, (lower(a.during) AT TIME ZONE 'Asia/Shanghai')::date,
                   \(unescaped: Self.minutesExpression), 'pending'
            FROM assignment a JOIN volunteer v ON v.id = a.volunteer_id
            WHERE a.event_id = \(eventId) AND a.status = 'served'
            ON CONFLICT (event_id, volunteer_id) DO NOTHING
            RETURNING volunteer_id, team_id, event_id, minutes, status, day::text
            """, logger: logger
        ).collect()
        try emit(rows, in: transaction)
    }

    /// Minutes served at an assignment `a`: its check-in to check-out when reported, else the event's length.
    /// SQL from code, never from input.
    static let minutesExpression = """
        least(10080, ceil(extract(epoch FROM coalesce(a.check_out - a.check_in, upper(a.during) - lower(a.during))) / 60))::int
        """

    /// A volunteer's check-in and check-out: kept on their assignment, and their pending hours follow it.
    func reportShift(_ shift: ShiftReported, in transaction: HandlerTransaction) async throws -> Refusable<Void> {
        let connection = transaction.connection
        let updated = try await connection.query(
            """
            UPDATE assignment SET check_in = \(shift.checkIn), check_out = \(shift.checkOut)
            WHERE event_id = \(shift.eventId) AND volunteer_id = \(shift.volunteerId) AND status IN ('accepted', 'served')
            RETURNING id
            """, logger: logger
        ).collect()
        guard !updated.isEmpty else {
            return .refused(.notAssigned, "volunteer \(shift.volunteerId) has no accepted assignment at event \(shift.eventId)")
        }
        let rows = try await connection.query(
            """
            UPDATE service_hours h SET minutes = \(unescaped: Self.minutesExpression)
            FROM assignment a WHERE a.event_id = h.event_id AND a.volunteer_id = h.volunteer_id
              AND h.event_id = \(shift.eventId) AND h.volunteer_id = \(shift.volunteerId) AND h.status = 'pending'
              AND h.minutes IS DISTINCT FROM \(unescaped: Self.minutesExpression)
            RETURNING h.volunteer_id, h.team_id, h.event_id, h.minutes, h.status, h.day::text
            """, logger: logger
        ).collect()
        try emit(rows, in: transaction)
        return .done(())
    }

    /// Verifies (or adjusts) hours. Every change of minutes needs a reason; each is kept in `hours_change` with who
    /// made it. Returns the entries that changed; refuses (throws `Refusal`) a change without a reason or an
    /// unknown entry, so the whole verification is all or nothing.
    func verify(_ entries: [HoursVerification.Entry], actor: String, in transaction: HandlerTransaction) async throws -> [ServiceHoursRecord] {
        let connection = transaction.connection
        var delta: [String: Int] = [:]
        var changed: [ServiceHoursRecord] = []
        for entry in entries {
            guard
                let (minutes, status, team, day) = try await connection.query(
                    """
                    SELECT minutes, status, team_id, day::text FROM service_hours
                    WHERE event_id = \(entry.eventId) AND volunteer_id = \(entry.volunteerId) FOR UPDATE
                    """, logger: logger
                ).collect().first?.decode((Int, HoursStatus, String, String).self)
            else { throw Refusal("no hours of volunteer \(entry.volunteerId) at event \(entry.eventId)") }
            let target = entry.minutes ?? minutes
            if target != minutes, entry.reason == nil { throw Refusal("changing \(minutes) to \(target) minutes needs a reason") }
            if status == .verified, target == minutes { continue }
            try await connection.query(
                """
                UPDATE service_hours SET minutes = \(target), status = 'verified', verified_at = now(), verified_by = \(actor),
                    reason = coalesce(\(entry.reason), reason)
                WHERE event_id = \(entry.eventId) AND volunteer_id = \(entry.volunteerId)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO hours_change (event_id, volunteer_id, from_minutes, to_minutes, actor, reason)
                VALUES (\(entry.eventId), \(entry.volunteerId), \(minutes), \(target), \(actor), \(entry.reason))
                """, logger: logger)
            delta[entry.volunteerId, default: 0] += status == .pending ? target : target - minutes
            changed.append(
                ServiceHoursRecord(volunteerId: entry.volunteerId, teamId: team, eventId: entry.eventId, minutes: target, status: .verified, day: day)
            )
        }
        for record in changed {
            transaction.emit(try VolunteerEvent.about(record.volunteerId, kind: "volunteer", VolunteerEventType.hoursRecorded, record))
        }
        try await total(delta, in: transaction)
        return changed
    }

    /// Adds verified minutes to the volunteers' totals and raises each star level crossed (the stored level only
    /// rises, in this transaction, so each level is raised once).
    private func total(_ delta: [String: Int], in transaction: HandlerTransaction) async throws {
        let changes = delta.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        guard !changes.isEmpty else { return }
        let rows = try await transaction.connection.query(
            """
            UPDATE volunteer v SET verified_minutes = greatest(0, v.verified_minutes + d.delta)
            FROM unnest(\(changes.map(\.key))::text[], \(changes.map { Int64($0.value) })::int8[]) AS d(id, delta)
            WHERE v.id = d.id
            RETURNING v.id, v.team_id, v.verified_minutes, v.star_level
            """, logger: logger
        ).collect()
        for row in rows {
            let (id, team, minutes, stored) = try row.decode((String, String, Int64, Int16).self)
            guard let reached = StarLevel.reached(minutes: Int(minutes)), reached.rawValue > Int(stored) else { continue }
            try await transaction.connection.query("UPDATE volunteer SET star_level = \(Int16(reached.rawValue)) WHERE id = \(id)", logger: logger)
            for level in StarLevel.allCases where level.rawValue > Int(stored) && level <= reached {
                transaction.emit(
                    try VolunteerEvent.about(
                        id, kind: "volunteer", VolunteerEventType.starLevelReached,
                        StarLevelReached(volunteerId: id, teamId: team, level: level, verifiedHours: Double(minutes) / 60)))
            }
        }
    }

    private func emit(_ rows: [PostgresRow], in transaction: HandlerTransaction) throws {
        for row in rows {
            let (volunteer, team, event, minutes, status, day) = try row.decode((String, String, String, Int, HoursStatus, String).self)
            transaction.emit(
                try VolunteerEvent.about(
                    volunteer, kind: "volunteer", VolunteerEventType.hoursRecorded,
                    ServiceHoursRecord(volunteerId: volunteer, teamId: team, eventId: event, minutes: minutes, status: status, day: day)))
        }
    }

    /// A verification the database would take but the rules refuse (422).
    struct Refusal: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// `POST /admin/hours/verify`: the entries a team leader verifies, each optionally adjusted (with a reason).
struct HoursVerification: Decodable, ValidatedPayload, ClosedPayload {
    struct Entry: Decodable, Sendable {
        var eventId: String
        var volunteerId: String
        var minutes: Int?
        var reason: String?
    }

    var entries: [Entry]

    func validate() throws(ContractViolation) {
        try FieldLimit.check(entries.count, "entries.count", in: 1...500)
        for (index, entry) in entries.enumerated() {
            try FieldLimit.check(entry.eventId, "entries[\(index)].eventId", max: FieldLimit.identifier)
            try FieldLimit.check(entry.volunteerId, "entries[\(index)].volunteerId", max: FieldLimit.identifier)
            if let minutes = entry.minutes { try FieldLimit.check(minutes, "entries[\(index)].minutes", in: 0...FieldLimit.minutes.upperBound) }
            if let reason = entry.reason { try FieldLimit.check(reason, "entries[\(index)].reason", max: FieldLimit.text) }
        }
    }

    static let fields = PayloadFields.object(["entries": .value])
}
