import KepuContracts

/// Weekly windows as PostgreSQL stores them: an `int4multirange` of minutes of the week (Monday 00:00 = 0,
/// Shanghai time), so "available for this event" is one containment test.
enum WeeklyMinutes {
    static let week = 7 * 1440

    /// The multirange literal of `windows` (already validated: weekday 1...7, from < until).
    static func literal(_ windows: [WeeklyWindow]) -> String {
        let ranges = windows.compactMap { window -> String? in
            guard let from = FieldLimit.minuteOfDay(window.from), let until = FieldLimit.minuteOfDay(window.until) else { return nil }
            let base = (window.weekday - 1) * 1440
            return "[\(base + from),\(base + until))"
        }
        return "{\(ranges.joined(separator: ","))}"
    }

    /// The windows of a stored multirange's text (`{[540,720),[1980,2160)}`), for views. A range PostgreSQL merged
    /// across midnight is shown as its day's part up to 24:00 and the rest from the next day's 00:00.
    static func windows(_ literal: String) -> [WeeklyWindow] {
        var result: [WeeklyWindow] = []
        for part in literal.split(separator: "[").dropFirst() {
            let bounds = part.prefix { $0 != ")" }.split(separator: ",")
            guard bounds.count == 2, var from = Int(bounds[0]), let until = Int(bounds[1]), from < until else { continue }
            while from < until {
                let dayEnd = (from / 1440 + 1) * 1440
                let end = min(until, dayEnd)
                result.append(WeeklyWindow(weekday: from / 1440 + 1, from: clock(from % 1440), until: clock(end - from / 1440 * 1440)))
                from = end
            }
        }
        return result
    }

    static func clock(_ minute: Int) -> String {
        let hours = minute / 60
        let minutes = minute % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }
}
