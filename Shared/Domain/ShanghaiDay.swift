import Foundation

/// A calendar day in Shanghai (UTC+8 all year: China has kept no daylight saving since 1991), as a day number
/// since 1970-01-01. Plain arithmetic instead of `Calendar`, because metrics folds every event through it.
public struct ShanghaiDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, Strideable {
    /// Days since 1970-01-01 (Shanghai).
    public let number: Int

    /// The years a day parsed from text may fall in: four digits, as every key and RFC 3339 time writes them. The
    /// arithmetic below is exact far beyond this; parsers check it so no text can reach an overflow.
    public static let supportedYears = 1...9999

    public init(number: Int) { self.number = number }

    /// The Shanghai day `date` falls on.
    public init(_ date: Date) {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down)) + 8 * 3600
        number = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    }

    /// From a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        number = era * 146_097 + doe - 719_468
    }

    /// Parses "yyyy-MM-dd"; nil for anything else, including dates that do not exist (2026-02-30).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        self.init(year: year, month: month, day: day)
        guard civil == (year, month, day) else { return nil }
    }

    /// Year, month (1-12) and day (1-31).
    public var civil: (year: Int, month: Int, day: Int) { Self.civil(dayNumber: number) }

    /// The proleptic Gregorian date of a day number since 1970-01-01 (Howard Hinnant's civil_from_days); the same
    /// arithmetic serves UTC days.
    public static func civil(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 for Monday ... 6 for Sunday (1970-01-01 was a Thursday).
    public var weekdayFromMonday: Int { ((number % 7) + 7 + 3) % 7 }

    /// The ISO 8601 week: weeks start on Monday and belong to the year of their Thursday.
    public var isoWeek: (year: Int, week: Int) {
        let thursday = ShanghaiDay(number: number - weekdayFromMonday + 3)
        let year = thursday.civil.year
        let dayOfYear = thursday.number - ShanghaiDay(year: year, month: 1, day: 1).number
        return (year, dayOfYear / 7 + 1)
    }

    /// The instant the day starts (00:00 in Shanghai).
    public var start: Date { Date(timeIntervalSince1970: TimeInterval(number * 86_400 - 8 * 3600)) }

    public var description: String {
        let (year, month, day) = civil
        return "\(year.zeroPadded(4))-\(month.zeroPadded(2))-\(day.zeroPadded(2))"
    }

    public static func < (lhs: ShanghaiDay, rhs: ShanghaiDay) -> Bool { lhs.number < rhs.number }
    public func distance(to other: ShanghaiDay) -> Int { other.number - number }
    public func advanced(by n: Int) -> ShanghaiDay { ShanghaiDay(number: number + n) }
}
