import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// What an outreach event's record means for its volunteers: a published event's needs are offered, a moved one
/// moves its assignments (or withdraws those it can no longer keep), fewer needs withdraw the latest offers, a
/// cancelled event cancels them, and a held one records its volunteers' hours and meets needs surveyed near it.
struct EventFollowing {
    let policy: MatchingPolicy
    let logger: Logger

    func follow(_ record: ActivityEventRecord, now: Date, in transaction: HandlerTransaction) async throws {
        let connection = transaction.connection
        let needs = record.volunteerNeeds
        let previous = try await connection.query(
            "SELECT starts_at, ends_at FROM activity_event WHERE id = \(record.eventId) FOR UPDATE", logger: logger
        ).collect().first.map { try $0.decode((Date, Date).self) }
        try await connection.query(
            """
            INSERT INTO activity_event AS e (id, status, title, site_path, theme, starts_at, ends_at, needed, skills, need_from, need_until)
            VALUES (\(record.eventId), \(record.status), \(record.title), \(record.sitePath), \(record.theme), \(record.startsAt), \(record.endsAt),
                    \(needs?.count ?? 0), \(needs?.skills ?? []), \(needs?.from), \(needs?.until))
            ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, title = EXCLUDED.title, site_path = EXCLUDED.site_path,
                theme = EXCLUDED.theme, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, needed = EXCLUDED.needed,
                skills = EXCLUDED.skills, need_from = EXCLUDED.need_from, need_until = EXCLUDED.need_until, updated_at = now()
            """, logger: logger)
        let matcher = Matcher(policy: policy, logger: logger)
        switch record.status {
        case .cancelled:
            try await close(record.eventId, from: ["offered", "accepted"], to: .cancelled, in: transaction)
        case .held, .reported:
            try await close(record.eventId, from: ["offered"], to: .withdrawn, in: transaction)
            try await HoursStore(logger: logger).recordServed(record.eventId, in: transaction)
            try await NeedsStore(policy: policy, logger: logger).meet(by: record, in: transaction)
        case .draft, .published:
            // A new event has no assignments to move or withdraw; fill publishes its staffing.
            if let previous {
                if previous != (record.startsAt, record.endsAt) { try await move(record, in: transaction) }
                try await withdrawBeyond(record.eventId, needed: needs?.count ?? 0, in: transaction)
            }
            try await matcher.fill(record.eventId, now: now, in: transaction)
            return
        }
        try await matcher.publishStaffing(record.eventId, in: transaction)
    }

    private func close(_ eventId: String, from: [String], to status: AssignmentStatus, in transaction: HandlerTransaction) async throws {
        let rows = try await transaction.connection.query(
            """
            UPDATE assignment SET status = \(status), answered_at = coalesce(answered_at, now())
            WHERE event_id = \(eventId) AND status = ANY(\(from)::text[])
            RETURNING id, event_id, volunteer_id, status, lower(during), upper(during), respond_by
            """, logger: logger
        ).collect()
        try AssignmentEvents.emit(rows, in: transaction)
    }

    /// The event moved: its holds move with it where the volunteer is free then; the others are withdrawn (and
    /// the places offered again).
    private func move(_ record: ActivityEventRecord, in transaction: HandlerTransaction) async throws {
        let connection = transaction.connection
        let clashing = try await connection.query(
            """
            UPDATE assignment a SET status = 'withdrawn', answered_at = now()
            WHERE a.event_id = \(record.eventId) AND a.status IN ('offered', 'accepted')
              AND EXISTS (SELECT 1 FROM assignment o WHERE o.volunteer_id = a.volunteer_id AND o.event_id <> a.event_id
                          AND o.status IN ('offered', 'accepted', 'served') AND o.during && tstzrange(\(record.startsAt), \(record.endsAt)))
            RETURNING a.id, a.event_id, a.volunteer_id, a.status, lower(a.during), upper(a.during), a.respond_by
            """, logger: logger
        ).collect()
        try AssignmentEvents.emit(clashing, in: transaction)
        let moved = try await connection.query(
            """
            UPDATE assignment SET during = tstzrange(\(record.startsAt), \(record.endsAt)),
                respond_by = CASE WHEN respond_by > \(record.startsAt) THEN \(record.startsAt) ELSE respond_by END
            WHERE event_id = \(record.eventId) AND status IN ('offered', 'accepted')
            RETURNING id, event_id, volunteer_id, status, lower(during), upper(during), respond_by
            """, logger: logger
        ).collect()
        try AssignmentEvents.emit(moved, in: transaction)
    }

    /// Fewer volunteers needed: the latest offers go first, then the latest acceptances.
    private func withdrawBeyond(_ eventId: String, needed: Int, in transaction: HandlerTransaction) async throws {
        let rows = try await transaction.connection.query(
            """
            WITH ranked AS (
                SELECT id, row_number() OVER (ORDER BY (status = 'accepted') DESC, offered_at, id) AS place
                FROM assignment WHERE event_id = \(eventId) AND status IN ('offered', 'accepted'))
            UPDATE assignment a SET status = 'withdrawn', answered_at = now()
            FROM ranked WHERE a.id = ranked.id AND ranked.place > \(needed)::int
            RETURNING a.id, a.event_id, a.volunteer_id, a.status, lower(a.during), upper(a.during), a.respond_by
            """, logger: logger
        ).collect()
        try AssignmentEvents.emit(rows, in: transaction)
    }
}
