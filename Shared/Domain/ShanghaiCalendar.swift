import Foundation

/// The programme's clock: days, weeks and opening hours are Shenzhen's, Asia/Shanghai (UTC+8, no daylight saving).
public enum ShanghaiCalendar {
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .gmt

    /// The calendar day of `date` in Shanghai, "yyyy-MM-dd".
    public static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
