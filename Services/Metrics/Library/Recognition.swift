/// Recognition (优秀实施单位, 典型活动): units and sessions ranked by a composite score per period.
///
/// Unit score (0-100): the weighted mean of the components a unit can be measured by (`RecognitionWeights`,
/// `KEPU_METRICS_RECOGNITION_WEIGHTS`), across the plan's lines: bookings (fill, check-in, attendance: from
/// `minimumBookings` bookings made in the period), activities (held per 10,000 residents against the best of the
/// ranking, residents' ratings), volunteers (staffing), needs met, and orders fulfilled. A unit no component
/// measures is listed as not eligible.
/// Session score (0-100) = 100 × (0.5 × min(1, seats booked / capacity) + 0.5 × check-ins / bookings made), for
/// sessions with at least one booking made.
enum Recognition {
    /// Each component the unit can be measured by, as a share from 0 to 1. `bestReach` is the highest activities
    /// per 10,000 residents among the units ranked together.
    static func components(_ values: KPIValues, population: Int?, bestReach: Double, minimumBookings: Int) -> [RecognitionComponent: Double] {
        var result: [RecognitionComponent: Double] = [:]
        if values[KPI.bookingsMade] >= Int64(minimumBookings) {
            if values[KPI.seatsOffered] > 0 { result[.fillRate] = min(1, values.rate(KPI.Rate.fillRate).value) }
            result[.checkInRate] = min(1, values.rate(KPI.Rate.checkInRate).value)
            result[.attendance] = 1 - min(1, values.rate(KPI.Rate.noShowRate).value)
        }
        if let reach = activityReach(values, population: population), bestReach > 0 { result[.activityReach] = min(1, reach / bestReach) }
        if values[KPI.ratings] > 0 { result[.averageRating] = min(1, values.rate(KPI.Rate.averageRating).value / 5) }
        if values[KPI.volunteersNeeded] > 0 { result[.staffingRate] = min(1, values.rate(KPI.Rate.staffingRate).value) }
        if values[KPI.needsSubmitted] > 0 { result[.needsMetRate] = min(1, values.rate(KPI.Rate.needsMetRate).value) }
        if values[KPI.ordersPlaced] > 0 { result[.orderFulfilment] = min(1, values.rate(KPI.Rate.orderFulfilment).value) }
        return result
    }

    /// Activities held per 10,000 residents; nil without a population.
    static func activityReach(_ values: KPIValues, population: Int?) -> Double? {
        guard let population, population > 0 else { return nil }
        return Double(values[KPI.activitiesHeld]) * 10_000 / Double(population)
    }

    /// The weighted mean of the components, × 100; nil when no weighted component measures the unit.
    static func unitScore(_ components: [RecognitionComponent: Double], weights: RecognitionWeights) -> Double? {
        var weighted = 0.0
        var total = 0
        for (component, share) in components {
            let weight = weights.weights[component] ?? 0
            guard weight > 0 else { continue }
            weighted += Double(weight) * share
            total += weight
        }
        return total > 0 ? 100 * weighted / Double(total) : nil
    }

    static func sessionScore(_ session: SessionTallyRow) -> Double? {
        guard session.bookingsMade > 0 else { return nil }
        let fill = session.capacity > 0 ? min(1, Double(session.seatsBooked) / Double(session.capacity)) : 0
        let checkIn = min(1, Double(session.checkIns) / Double(session.bookingsMade))
        return 100 * (0.5 * fill + 0.5 * checkIn)
    }

    /// Units, best first (eligible ones by score, then the rest by id).
    static func rankUnits(_ units: [UnitInfo], values: [String: KPIValues], minimumBookings: Int, weights: RecognitionWeights = .defaults)
        -> [(unit: UnitInfo, score: Double?, values: KPIValues)]
    {
        let bestReach = units.compactMap { activityReach(values[$0.id] ?? KPIValues(), population: $0.population) }.max() ?? 0
        return units.map { unit in
            let kpis = values[unit.id] ?? KPIValues()
            let parts = components(kpis, population: unit.population, bestReach: bestReach, minimumBookings: minimumBookings)
            return (unit, unitScore(parts, weights: weights), kpis)
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
