import Foundation
import KepuDomain

extension MetricSnapshot {
    /// The snapshot as JSON, written by hand: metrics publishes thousands a second, and `JSONEncoder` was the
    /// largest cost of a snapshot round. Same fields as the `Codable` form (sorted keys), times with milliseconds
    /// (lag is measured from them). The contract tests check it decodes to the same value and fits the schema.
    public var jsonBytes: [UInt8] {
        var out = "{\"asOf\":\"\(RFC3339.millisecondsUTC(asOf))\""
        if let denominator { out += ",\"denominator\":\(denominator)" }
        out += ",\"kpi\":" + JSONText.quoted(kpi)
        if let numerator { out += ",\"numerator\":\(numerator)" }
        if let pendingSince { out += ",\"pendingSince\":\"\(RFC3339.millisecondsUTC(pendingSince))\"" }
        out += ",\"periodKey\":" + JSONText.quoted(periodKey) + ",\"periodKind\":" + JSONText.quoted(periodKind)
        out += ",\"unitId\":" + JSONText.quoted(unitId) + ",\"unitLevel\":" + JSONText.quoted(unitLevel)
        out += ",\"unitPath\":[" + unitPath.map(JSONText.quoted).joined(separator: ",") + "]"
        out += ",\"value\":" + (value.isFinite ? "\(value)" : "0") + "}"
        return Array(out.utf8)
    }
}

extension RFC3339 {
    /// `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC, by arithmetic (no formatter).
    public static func millisecondsUTC(_ date: Date) -> String {
        // Whole seconds, then the fraction truncated to milliseconds, as Foundation's formatter does.
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        let seconds = Int64(whole)
        let milliseconds = min(999, Int((interval - whole) * 1000))
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = ShanghaiDay.civil(dayNumber: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)).\(ms)Z"
    }
}
