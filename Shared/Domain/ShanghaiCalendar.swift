import Foundation

/// The programme's clock: days, weeks and opening hours are Shenzhen's, Asia/Shanghai (UTC+8, no daylight saving).
public enum ShanghaiCalendar {
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    /// The calendar day of `date` in Shanghai, "yyyy-MM-dd" (one day arithmetic for the suite: `ShanghaiDay`).
    public static func day(_ date: Date) -> String {
        ShanghaiDay(date).description
    }
}
