/// Recognition (优秀实施单位, 典型活动): units and sessions ranked by a composite score per period.
///
/// Unit score (0-100) = 100 × (0.4 × fill rate + 0.4 × check-in rate + 0.2 × (1 − no-show rate)), for units with
/// at least `minimumBookings` bookings made in the period (fewer are listed as not eligible, score 0).
/// Session score (0-100) = 100 × (0.5 × min(1, seats booked / capacity) + 0.5 × check-ins / bookings made), for
/// sessions with at least one booking made.
enum Recognition {
    static func unitScore(_ values: KPIValues, minimumBookings: Int) -> Double? {
        guard values[KPI.bookingsMade] >= Int64(minimumBookings) else { return nil }
        let fill = min(1, values.rate(KPI.Rate.fillRate).value)
        let checkIn = min(1, values.rate(KPI.Rate.checkInRate).value)
        let noShow = min(1, values.rate(KPI.Rate.noShowRate).value)
        return 100 * (0.4 * fill + 0.4 * checkIn + 0.2 * (1 - noShow))
    }

    static func sessionScore(_ session: SessionTallyRow) -> Double? {
        guard session.bookingsMade > 0 else { return nil }
        let fill = session.capacity > 0 ? min(1, Double(session.seatsBooked) / Double(session.capacity)) : 0
        let checkIn = min(1, Double(session.checkIns) / Double(session.bookingsMade))
        return 100 * (0.5 * fill + 0.5 * checkIn)
    }

    /// Units, best first (eligible ones by score, then the rest by id).
    static func rankUnits(_ units: [UnitInfo], values: [String: KPIValues], minimumBookings: Int) -> [(
        unit: UnitInfo, score: Double?, values: KPIValues
    )] {
        units.map { unit in
            let kpis = values[unit.id] ?? KPIValues()
            return (unit, unitScore(kpis, minimumBookings: minimumBookings), kpis)
        }.sorted { a, b in
            switch (a.score, b.score) {
            case (let x?, let y?): x != y ? x > y : a.unit.id < b.unit.id
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.unit.id < b.unit.id
            }
        }
    }

    /// `sessionScore` as PostgreSQL computes it over `metric_session`, so the ranking's top N is chosen there
    /// (the same double-precision arithmetic, in the same order: a test holds the two to the same numbers).
    static let sessionScoreSQL = """
        100 * (0.5::float8 * CASE WHEN capacity > 0 THEN least(1::float8, seats_booked::float8 / capacity::float8) ELSE 0 END
               + 0.5::float8 * least(1::float8, check_ins::float8 / bookings_made::float8))
        """
}
