import KepuDomain
import PostgresNIO

/// The KPIs metrics keeps per unit and period. Counts are stored; rates are computed from two counts and always
/// published with their numerator and denominator.
///
/// Everything about a session counts in the period of the session's start (its Shanghai day), so a month's seats
/// booked and seats offered describe the same sessions and the fill rate means what it says.
enum KPI {
    // Offer (from session-created / session-changed).
    static let sessionsOffered = "sessions_offered"
    static let seatsOffered = "seats_offered"
    /// Museum dedicated sessions (专场) opened for pooled groups.
    static let dedicatedSessions = "dedicated_sessions"
    // Demand and what became of it.
    static let bookingsConfirmed = "bookings_confirmed"
    static let seatsConfirmed = "seats_confirmed"
    /// Confirmed bookings plus promotions from the waitlist: the bookings that held seats.
    static let bookingsMade = "bookings_made"
    /// Seats held right now: confirmed + promoted − released by cancellations.
    static let seatsBooked = "seats_booked"
    static let groupBookings = "group_bookings"
    static let groupHeadcount = "group_headcount"
    static let waitlisted = "waitlisted"
    static let promoted = "promoted"
    static let promotedSeats = "promoted_seats"
    static let cancelledOnTime = "cancelled_on_time"
    static let cancelledLate = "cancelled_late"
    static let checkIns = "check_ins"
    static let checkedInSeats = "checked_in_seats"
    static let noShows = "no_shows"
    static let rejected = "rejected"
    /// Turned away because the session and its waitlist were full: demand the unit did not meet.
    static let rejectedFull = "rejected_full"
    /// Distinct residents with a confirmed individual booking: a HyperLogLog estimate (see `ReachSketch`), kept
    /// for months, quarters, years and phases (a day or a week has no reach figure: the sketch rewrite per batch
    /// for every touched day would cost more than the rest of the fold).
    static let residentsReached = "residents_reached"
    static let reachPeriods: Set<ReportingPeriod.Kind> = [.month, .quarter, .year, .phase]

    static let counts = [
        sessionsOffered, seatsOffered, dedicatedSessions, bookingsConfirmed, seatsConfirmed, bookingsMade, seatsBooked, groupBookings,
        groupHeadcount, waitlisted, promoted, promotedSeats, cancelledOnTime, cancelledLate, checkIns, checkedInSeats, noShows, rejected,
        rejectedFull, residentsReached,
    ]

    /// A rate: `numerator / denominator`, both counts above.
    struct Rate: Sendable {
        let name: String
        let numerator: String
        let denominator: String
    }

    static let fillRate = Rate(name: "fill_rate", numerator: seatsBooked, denominator: seatsOffered)
    static let noShowRate = Rate(name: "no_show_rate", numerator: noShows, denominator: bookingsMade)
    static let checkInRate = Rate(name: "check_in_rate", numerator: checkIns, denominator: bookingsMade)
    /// Waitlist conversion: how many waitlisted entries got seats.
    static let waitlistConversion = Rate(name: "waitlist_conversion", numerator: promoted, denominator: waitlisted)
    static let rates = [fillRate, noShowRate, checkInRate, waitlistConversion]
}

extension KPI {
    /// The count columns of `kpi_counter`, comma-separated (names from the fixed list above, never from input).
    static let columns = counts.joined(separator: ", ")

    /// A bit per count, in `counts` order, for the counts `deltas` changes (non-zero).
    static func changeMask(of deltas: [String: Int64]) -> Int64 {
        var mask: Int64 = 0
        for (index, kpi) in counts.enumerated() where (deltas[kpi] ?? 0) != 0 { mask |= 1 << Int64(index) }
        return mask
    }

    /// The counts a mask names.
    static func changed(in mask: Int64) -> Set<String> {
        Set(counts.enumerated().filter { mask & (1 << Int64($0.offset)) != 0 }.map(\.element))
    }
}

/// A unit's numbers for one period: counts by KPI name, and the rates computed from them.
struct KPIValues: Sendable, Hashable {
    var counts: [String: Int64] = [:]

    subscript(_ kpi: String) -> Int64 { counts[kpi] ?? 0 }

    /// From a row whose columns `start...` are `KPI.columns`, in that order.
    init(row: PostgresRandomAccessRow, from start: Int) throws {
        for (offset, kpi) in KPI.counts.enumerated() { counts[kpi] = try row[start + offset].decode(Int64.self) }
    }

    init() {}

    func rate(_ rate: KPI.Rate) -> (value: Double, numerator: Int64, denominator: Int64) {
        let numerator = self[rate.numerator]
        let denominator = self[rate.denominator]
        return (denominator > 0 ? Double(numerator) / Double(denominator) : 0, numerator, denominator)
    }

    /// As JSON for the HTTP API: every count, and each rate as value, numerator and denominator.
    var json: [String: Any] {
        var result: [String: Any] = [:]
        for kpi in KPI.counts { result[kpi] = self[kpi] }
        for rate in KPI.rates {
            let (value, numerator, denominator) = self.rate(rate)
            result[rate.name] = ["value": value, "numerator": numerator, "denominator": denominator]
        }
        return result
    }
}
