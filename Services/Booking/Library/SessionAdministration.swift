import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Admin input for one session. Times are RFC 3339; the booking window defaults to "from now until the start" and
/// the cancellation deadline to 24 hours before the start.
struct SessionInput: Decodable, Sendable {
    var id: String?
    var venueId: String
    var title: String?
    var startsAt: Date
    var endsAt: Date
    var capacity: Int
    var bookingOpensAt: Date?
    var bookingClosesAt: Date?
    var cancellationDeadline: Date?
    var maxSeatsPerRequest: Int?
    var groupMin: Int?
    var groupMax: Int?
    var waitlistEnabled: Bool?
    var waitlistCap: Int?
}

/// Admin input for sessions that repeat every week: on `weekdays` (1 = Monday ... 7 = Sunday) at each of `times`
/// ("HH:mm", Asia/Shanghai) from `fromDate` to `toDate` inclusive ("yyyy-MM-dd").
struct RecurringSessionsInput: Decodable, Sendable {
    var venueId: String
    var title: String?
    var fromDate: String
    var toDate: String
    var weekdays: [Int]
    var times: [String]
    var durationMinutes: Int
    var capacity: Int
    var bookingOpensDaysBefore: Int?
    var cancellationHoursBefore: Int?
    var maxSeatsPerRequest: Int?
    var groupMin: Int?
    var groupMax: Int?
    var waitlistEnabled: Bool?
    var waitlistCap: Int?
}

struct VenueInput: Decodable, Sendable {
    var id: String
    var kind: VenueKind
    var name: String
    var unitPath: [String]?
    /// Museums only: when to open a dedicated session (专场) for pooled groups.
    var dedicatedSessions: DedicatedSessionsInput?
}

/// A museum's dedicated-session settings: a pool for a date opens a session of `capacity` at `startTime`
/// (Asia/Shanghai, "HH:mm") once its headcount reaches `threshold`; pooling ends `cutoffDays` before the date.
struct DedicatedSessionsInput: Decodable, Sendable {
    var threshold: Int
    var capacity: Int
    var cutoffDays: Int
    var startTime: String?
    var durationMinutes: Int?
    var groupMin: Int?
    var groupMax: Int?

    var problem: String? {
        if threshold < 1 || capacity < 1 || cutoffDays < 0 { return "dedicatedSessions: threshold and capacity >= 1, cutoffDays >= 0" }
        if let time = startTime, (try? SessionAdministration.parseTime(time)) == nil { return "dedicatedSessions.startTime '\(time)' is not HH:mm" }
        if (durationMinutes ?? 120) < 1 { return "dedicatedSessions.durationMinutes must be positive" }
        let min = groupMin ?? 5
        if min < 1 || (groupMax ?? max(min, 60)) < min { return "dedicatedSessions: 1 <= groupMin <= groupMax" }
        return nil
    }
}

/// What an admin can be told is wrong with a request.
struct AdminInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum SessionAdministration {
    static let shanghai = ShanghaiCalendar.timeZone

    /// "HH:mm" as (hour, minute).
    static func parseTime(_ text: String) throws -> (Int, Int) {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else { throw AdminInputError("time '\(text)' is not HH:mm") }
        return (parts[0], parts[1])
    }

    /// Expands a weekly pattern into sessions, in time order.
    static func expand(_ input: RecurringSessionsInput) throws -> [SessionInput] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = shanghai
        let day = DateFormatter()
        day.calendar = calendar
        day.timeZone = shanghai
        day.locale = Locale(identifier: "en_US_POSIX")
        day.dateFormat = "yyyy-MM-dd"
        guard let from = day.date(from: input.fromDate), let to = day.date(from: input.toDate), from <= to else {
            throw AdminInputError("fromDate and toDate must be yyyy-MM-dd with fromDate <= toDate")
        }
        // The expansion walks the range day by day: a year at most, so no body makes it walk for seconds.
        guard to.timeIntervalSince(from) <= Double(SessionLimit.daysAhead) * 86_400 else {
            throw AdminInputError("fromDate to toDate spans at most \(SessionLimit.daysAhead) days")
        }
        let times = try input.times.map(parseTime)
        guard !input.weekdays.isEmpty, input.weekdays.allSatisfy({ (1...7).contains($0) }) else {
            throw AdminInputError("weekdays are 1 (Monday) ... 7 (Sunday)")
        }
        guard input.durationMinutes > 0 else { throw AdminInputError("durationMinutes must be positive") }
        var sessions: [SessionInput] = []
        var current = from
        while current <= to {
            // Calendar weekday: 1 = Sunday; ISO: 7 = Sunday.
            let weekday = (calendar.component(.weekday, from: current) + 5) % 7 + 1
            if input.weekdays.contains(weekday) {
                for (hour, minute) in times.sorted(by: { $0 < $1 }) {
                    guard let start = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: current) else { continue }
                    sessions.append(
                        SessionInput(
                            id: nil, venueId: input.venueId, title: input.title, startsAt: start,
                            endsAt: start.addingTimeInterval(TimeInterval(input.durationMinutes * 60)), capacity: input.capacity,
                            bookingOpensAt: input.bookingOpensDaysBefore.map { start.addingTimeInterval(-TimeInterval($0 * 86400)) },
                            bookingClosesAt: nil,
                            cancellationDeadline: input.cancellationHoursBefore.map { start.addingTimeInterval(-TimeInterval($0 * 3600)) },
                            maxSeatsPerRequest: input.maxSeatsPerRequest, groupMin: input.groupMin, groupMax: input.groupMax,
                            waitlistEnabled: input.waitlistEnabled, waitlistCap: input.waitlistCap))
                }
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: current) else { break }
            current = next
        }
        guard sessions.count <= 2000 else { throw AdminInputError("the pattern makes \(sessions.count) sessions; at most 2000 at once") }
        return sessions
    }

    /// Inserts sessions in the caller's transaction; returns their ids.
    static func create(_ sessions: [SessionInput], dedicated: Bool = false, on connection: PostgresConnection, logger: Logger) async throws
        -> [String]
    {
        var ids: [String] = []
        for input in sessions {
            guard input.capacity >= 0, input.endsAt > input.startsAt else { throw AdminInputError("capacity >= 0 and endsAt after startsAt") }
            let id = input.id ?? "ss_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let opens = input.bookingOpensAt ?? Date()
            let closes = input.bookingClosesAt ?? input.startsAt
            let deadline = input.cancellationDeadline ?? input.startsAt.addingTimeInterval(-86400)
            try await connection.query(
                """
                INSERT INTO session (id, venue_id, title, starts_at, ends_at, capacity, booking_opens_at, booking_closes_at,
                                     cancellation_deadline, max_seats_per_request, group_min, group_max, waitlist_enabled, waitlist_cap, dedicated)
                VALUES (\(id), \(input.venueId), \(input.title ?? ""), \(input.startsAt), \(input.endsAt), \(input.capacity), \(opens), \(closes),
                        \(deadline), \(input.maxSeatsPerRequest ?? 4), \(input.groupMin ?? 5), \(input.groupMax ?? 60),
                        \(input.waitlistEnabled ?? true), \(input.waitlistCap ?? 100), \(dedicated))
                """, logger: logger)
            ids.append(id)
        }
        return ids
    }
}
