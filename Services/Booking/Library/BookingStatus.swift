import KepuRuntime

/// Where a booking stands (the `booking.status` column; the table's CHECK holds the same set).
enum BookingStatus: String, Sendable, Hashable, Codable, CaseIterable, TextEnum {
    case confirmed, waitlisted, cancelled
    case checkedIn = "checked_in"
    case noShow = "no_show"

    /// As a sentence says it ("the booking is checked in").
    var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}
