import Foundation

extension MetricSnapshot {
    /// The snapshot as JSON, written by hand: metrics publishes thousands a second, and `JSONEncoder` was the
    /// largest cost of a snapshot round. Same fields as the `Codable` form (sorted keys), times with milliseconds
    /// (lag is measured from them). The contract tests check it decodes to the same value and fits the schema.
    public var jsonBytes: [UInt8] {
        var out = "{\"asOf\":\"\(RFC3339.millisecondsUTC(asOf))\""
        if let denominator { out += ",\"denominator\":\(denominator)" }
        out += ",\"kpi\":" + jsonString(kpi)
        if let numerator { out += ",\"numerator\":\(numerator)" }
        if let pendingSince { out += ",\"pendingSince\":\"\(RFC3339.millisecondsUTC(pendingSince))\"" }
        out += ",\"periodKey\":" + jsonString(periodKey) + ",\"periodKind\":" + jsonString(periodKind)
        out += ",\"unitId\":" + jsonString(unitId) + ",\"unitLevel\":" + jsonString(unitLevel)
        out += ",\"unitPath\":[" + unitPath.map(jsonString).joined(separator: ",") + "]"
        out += ",\"value\":" + (value.isFinite ? "\(value)" : "0") + "}"
        return Array(out.utf8)
    }
}

/// A JSON string literal for `text` (quotes, backslashes and control characters escaped).
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

extension RFC3339 {
    /// `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC, by arithmetic (no formatter).
    public static func millisecondsUTC(_ date: Date) -> String {
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let milliseconds = Int(((total % 1000) + 1000) % 1000)
        let seconds = (total - Int64(milliseconds)) / 1000
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)).\(ms)Z"
    }
}
