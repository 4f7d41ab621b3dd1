import Foundation
import KepuDomain
import Logging
import PostgresNIO

/// Which volunteers one ranking statement reads: those living under a unit with the needed skills (the home keys),
/// every volunteer serving the event's site, or one volunteer (a sign-up).
enum RankingTier: Sendable, Hashable {
    case home(String)
    case served
    case only(String)
}

/// An event's needs as ranking binds them: its place, skills and the qualifications they require, and its time in
/// Shanghai (minute of the week, day, month), computed once here rather than per candidate in SQL.
struct RankingTarget: Sendable {
    let eventId: String
    let sitePath: [String]
    let skills: [String]
    let required: [String]
    let startsAt: Date
    let endsAt: Date
    /// Minutes since Monday 00:00, Shanghai time, at the start.
    let startMinute: Int
    /// The event's length in whole minutes (rounded up).
    let minutes: Int
    /// yyyy-MM-dd, Shanghai.
    let day: String
    let monthStart: Date
    let monthEnd: Date
    /// The fairness window either side of the event, over which a volunteer's load is counted.
    let loadFrom: Date
    let loadUntil: Date

    /// The assignments a ranking reads of each candidate: the month and the fairness window together.
    var windowFrom: Date { min(monthStart, loadFrom) }
    var windowUntil: Date { max(monthEnd, loadUntil) }

    static func read(_ eventId: String, fairnessDays: Int, on connection: PostgresConnection, logger: Logger) async throws -> RankingTarget? {
        guard
            let (path, skills, required, startsAt, endsAt) = try await connection.query(
                """
                SELECT site_path, skills,
                       ARRAY(SELECT DISTINCT s.requires FROM skill s WHERE s.code = ANY(e.skills) AND s.requires IS NOT NULL ORDER BY 1),
                       starts_at, ends_at
                FROM activity_event e WHERE id = \(eventId)
                """, logger: logger
            ).collect().first?.decode(([String], [String], [String], Date, Date).self)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ShanghaiCalendar.timeZone
        let parts = calendar.dateComponents([.weekday, .hour, .minute, .year, .month], from: startsAt)
        // Calendar weekdays count from Sunday (1); the weekly windows from Monday.
        let weekdayFromMonday = ((parts.weekday ?? 2) + 5) % 7
        let monthStart = calendar.date(from: DateComponents(year: parts.year, month: parts.month, day: 1)) ?? startsAt
        return RankingTarget(
            eventId: eventId, sitePath: path, skills: skills, required: required, startsAt: startsAt, endsAt: endsAt,
            startMinute: weekdayFromMonday * 1440 + (parts.hour ?? 0) * 60 + (parts.minute ?? 0),
            minutes: Int((endsAt.timeIntervalSince(startsAt) / 60).rounded(.up)), day: ShanghaiCalendar.day(startsAt), monthStart: monthStart,
            monthEnd: calendar.date(byAdding: .month, value: 1, to: monthStart) ?? endsAt,
            loadFrom: startsAt.addingTimeInterval(-Double(fairnessDays) * 86_400), loadUntil: endsAt.addingTimeInterval(Double(fairnessDays) * 86_400)
        )
    }
}
