import Foundation
import KepuContracts
import KepuRuntime
import PostgresNIO

/// The timed side of matching, in one replica: offers past their deadline expire and their places go to the next
/// candidates, events still short are offered again now and then (new volunteers may fit), and an event still short
/// a configured time before it starts raises its shortfall once.
struct MatchingSweep {
    let policy: MatchingPolicy
    let logger: Logger

    /// Work per round, so one round's transaction stays short.
    static let expiriesPerRound = 500
    static let refillsPerRound = 50
    /// How long an event that found no one waits before it is ranked again.
    static let refillSeconds = 300

    func round(now: Date, in transaction: HandlerTransaction) async throws -> Int {
        let connection = transaction.connection
        let matcher = Matcher(policy: policy, logger: logger)
        let expired = try await connection.query(
            """
            UPDATE assignment SET status = 'expired', answered_at = \(now)
            WHERE id IN (SELECT id FROM assignment WHERE status = 'offered' AND respond_by <= \(now)
                         ORDER BY respond_by LIMIT \(Self.expiriesPerRound) FOR UPDATE SKIP LOCKED)
            RETURNING id, event_id, volunteer_id, status, lower(during), upper(during), respond_by
            """, logger: logger
        ).collect()
        let records = try AssignmentEvents.emit(expired, in: transaction)
        var events = Set(records.map(\.eventId))
        let short = try await connection.query(
            """
            SELECT id FROM activity_event
            WHERE status = 'published' AND needed > 0 AND starts_at > \(now)
              AND coalesce(staffed_accepted, 0) + coalesce(staffed_offered, 0) < needed
              AND (filled_at IS NULL OR filled_at < \(now.addingTimeInterval(-TimeInterval(Self.refillSeconds))))
            ORDER BY starts_at LIMIT \(Self.refillsPerRound)
            """, logger: logger
        ).collect()
        events.formUnion(try short.map { try $0.decode(String.self) })
        for event in events.sorted() { try await matcher.fill(event, now: now, in: transaction) }

        let shortfalls = try await connection.query(
            """
            UPDATE activity_event SET shortfall_raised_at = \(now)
            WHERE status = 'published' AND needed > 0 AND starts_at > \(now)
              AND starts_at <= \(now.addingTimeInterval(TimeInterval(policy.shortfallMinutes * 60)))
              AND shortfall_raised_at IS NULL
              AND (SELECT count(*) FROM assignment a WHERE a.event_id = activity_event.id AND a.status = 'accepted') < needed
            RETURNING id, site_path, theme, needed, starts_at,
                      (SELECT count(*)::int FROM assignment a WHERE a.event_id = activity_event.id AND a.status = 'accepted')
            """, logger: logger
        ).collect()
        for row in shortfalls {
            let (id, path, theme, needed, startsAt, accepted) = try row.decode((String, [String], String, Int, Date, Int).self)
            transaction.emit(
                try VolunteerEvent.about(
                    id, kind: "event", VolunteerEventType.shortfallRaised,
                    VolunteerShortfall(eventId: id, sitePath: path, theme: theme, needed: needed, accepted: accepted, startsAt: startsAt)))
        }
        return records.count + shortfalls.count
    }
}
