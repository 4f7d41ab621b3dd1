import Foundation
import KepuDomain

/// RFC 3339 timestamps (`2026-11-29T09:30:00Z`, `2026-11-29T17:30:00.250+08:00`), by arithmetic: every record's
/// `ce_time` and every date in a payload goes through here, and Foundation's ISO 8601 style was a visible cost in
/// the consumers' profiles.
public enum RFC3339 {
    /// The instant `text` names: `date "T" time`, optional fraction (any number of digits; nanoseconds kept), then
    /// `Z` or `±hh:mm`. Nil for anything else, including dates and times that do not exist.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// `parse` over UTF-8 bytes.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                index += 1
            }
            return value
        }
        func expect(_ accepted: UInt8...) -> Bool {
            guard index < bytes.count, accepted.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")), let day = digits(2),
            expect(UInt8(ascii: "T"), UInt8(ascii: "t")), let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2),
            expect(UInt8(ascii: ":")), let second = digits(2),
            (1...12).contains(month), day >= 1, hour < 24, minute < 60, second < 60
        else { return nil }
        let dayNumber = ShanghaiDay(year: year, month: month, day: day).number
        guard ShanghaiDay.civil(dayNumber: dayNumber) == (year, month, day) else { return nil }

        var nanoseconds = 0
        if expect(UInt8(ascii: ".")) {
            var scale = 100_000_000
            let first = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                nanoseconds += Int(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > first else { return nil }
        }
        var offsetSeconds = 0
        if !expect(UInt8(ascii: "Z"), UInt8(ascii: "z")) {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2), expect(UInt8(ascii: ":")), let minutes = digits(2), hours < 24, minutes < 60 else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
        let seconds = dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1_000_000_000)
    }

    /// `yyyy-MM-ddTHH:mm:ss.SSSZ` (UTC, milliseconds): what `ISO8601FormatStyle` with fractional seconds writes.
    public static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendMillisecondsUTC(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `format(date)`'s UTF-8 bytes.
    public static func appendMillisecondsUTC(_ date: Date, to bytes: inout [UInt8]) {
        appendUTC(date, milliseconds: true, to: &bytes)
    }

    /// Appends `yyyy-MM-ddTHH:mm:ss[.SSS]Z` (UTC): without milliseconds, what `JSONEncoder`'s `.iso8601` writes.
    static func appendUTC(_ date: Date, milliseconds showMilliseconds: Bool, to bytes: inout [UInt8]) {
        // Truncated to milliseconds, as Foundation's formatter does, but not a millisecond early (see
        // `wholeMillisecondsSince1970`).
        let totalMilliseconds = date.wholeMillisecondsSince1970
        let seconds = totalMilliseconds >= 0 ? totalMilliseconds / 1000 : (totalMilliseconds - 999) / 1000
        let milliseconds = Int(totalMilliseconds - seconds * 1000)
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = ShanghaiDay.civil(dayNumber: days)
        func put(_ value: Int, width: Int) { JSONText.appendInteger(Int64(value), minimumDigits: width, to: &bytes) }
        put(year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        put(month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        put(day, width: 2)
        bytes.append(UInt8(ascii: "T"))
        put(secondOfDay / 3600, width: 2)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay / 60 % 60, width: 2)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay % 60, width: 2)
        if showMilliseconds {
            bytes.append(UInt8(ascii: "."))
            put(milliseconds, width: 3)
        }
        bytes.append(UInt8(ascii: "Z"))
    }
}
