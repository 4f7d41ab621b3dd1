import Foundation

extension Date {
    /// Milliseconds since 1970, truncated, counted through whole microseconds: a `Date` is binary, and a time on a
    /// millisecond (a Kafka record's time, a database's microseconds) is often a hair below it, which truncating
    /// directly would turn into the millisecond before.
    public var wholeMillisecondsSince1970: Int64 {
        let microseconds = Int64((timeIntervalSince1970 * 1_000_000).rounded())
        return microseconds >= 0 ? microseconds / 1000 : (microseconds - 999) / 1000
    }
}
