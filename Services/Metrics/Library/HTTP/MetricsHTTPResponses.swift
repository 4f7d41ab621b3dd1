import Foundation
import Hummingbird
import KepuDomain

/// A period as the API names it: kind, key and (for periods that are days) its first and last day.
struct PeriodInfo: Encodable, Equatable {
    let kind: ReportingPeriod.Kind
    let key: String
    let from: String?
    let to: String?

    init(_ period: ReportingPeriod) {
        kind = period.kind
        key = period.key
        from = period.days?.lowerBound.description
        to = period.days?.upperBound.description
    }
}

/// A unit with its KPIs for a period.
struct UnitKPIs: Encodable {
    let unit: UnitInfo
    let kpis: KPIValues

    /// The counts read per 10,000 residents (the registry's population), for units whose population is known.
    static let perCapita: [KPI] = [
        .sessionsOffered, .bookingsMade, .seatsBooked, .checkIns, .residentsReached, .activitiesHeld, .activityParticipants, .lecturesHeld,
        .volunteersRegistered, .booksInStock,
    ]

    enum CodingKeys: String, CodingKey { case kpis, perTenThousandResidents }

    // The unit's fields sit beside `kpis` (`{"unit": ..., "level": ..., "kpis": {...}}`), as the dashboard reads them.
    func encode(to encoder: any Encoder) throws {
        try unit.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kpis, forKey: .kpis)
        try container.encode(perTenThousandResidents, forKey: .perTenThousandResidents)
    }

    /// Null when the population is unknown or zero.
    var perTenThousandResidents: [String: Double]? {
        guard let population = unit.population, population > 0 else { return nil }
        var rates: [String: Double] = [:]
        for kpi in Self.perCapita {
            rates[kpi.rawValue] = (Double(kpis[kpi]) * 10_000 / Double(population) * 100).rounded() / 100
        }
        return rates
    }
}

/// `GET /api/units`: the top of the hierarchy.
struct RootUnits: ResponseEncodable {
    let period: PeriodInfo
    let units: [UnitKPIs]
}

/// `GET /api/kpis?unit=`: one unit.
struct UnitKPIsInPeriod: ResponseEncodable {
    let unit: UnitKPIs
    let period: PeriodInfo

    enum CodingKeys: String, CodingKey { case period }

    func encode(to encoder: any Encoder) throws {
        try unit.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(period, forKey: .period)
    }
}

/// `GET /api/units/{id}/children`.
struct UnitChildren: ResponseEncodable {
    let unit: UnitInfo
    let period: PeriodInfo
    let children: [UnitKPIs]
}

/// `GET /api/trend`: a unit's KPIs day by day.
struct Trend: ResponseEncodable {
    struct Point: Encodable {
        let day: String
        let kpis: KPIValues
    }

    let unit: String
    let points: [Point]
}

/// One entry of the unit ranking (优秀实施单位): rank and score are null for a unit below the minimum bookings.
struct RankedUnit: Encodable {
    let entry: UnitKPIs
    let rank: Int?
    let score: Double?

    var eligible: Bool { score != nil }

    enum CodingKeys: String, CodingKey { case rank, score, eligible }

    func encode(to encoder: any Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rank, forKey: .rank)
        try container.encode(score, forKey: .score)
        try container.encode(eligible, forKey: .eligible)
    }
}

/// `GET /api/rankings`.
struct UnitRanking: ResponseEncodable {
    let period: PeriodInfo
    let level: UnitLevel
    let units: [RankedUnit]
}

/// One entry of the session ranking (典型活动): its rank and score beside the session's tallies.
struct RankedSession: Encodable {
    let rank: Int
    let score: Double
    let tally: SessionTallyRow

    enum CodingKeys: String, CodingKey { case rank, score }

    func encode(to encoder: any Encoder) throws {
        try tally.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rank, forKey: .rank)
        try container.encode(score, forKey: .score)
    }
}

/// `GET /api/rankings/sessions`.
struct SessionRanking: ResponseEncodable {
    let period: PeriodInfo
    let sessions: [RankedSession]
}

/// An open weak-spot alert (薄弱环节).
struct OpenAlert: Encodable {
    let rule: WeakSpotRule
    let unit: String
    let level: UnitLevel
    let value: Double
    let threshold: Double
    let detail: String
    let raisedAt: Date
}

/// `GET /api/alerts`.
struct OpenAlerts: ResponseEncodable {
    let alerts: [OpenAlert]
}

/// One unit's staffing coverage: its active centers, institutes and stations, and how many have staff.
struct StaffingCoverage: Encodable, Equatable {
    let unit: String
    let name: String?
    let practiceSites: Int
    let staffed: Int
    /// staffed / practiceSites; null without practice sites.
    var coverage: Double? { practiceSites > 0 ? Double(staffed) / Double(practiceSites) : nil }

    enum CodingKeys: String, CodingKey { case unit, name, practiceSites, staffed, coverage }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(unit, forKey: .unit)
        try container.encode(name, forKey: .name)
        try container.encode(practiceSites, forKey: .practiceSites)
        try container.encode(staffed, forKey: .staffed)
        try container.encode(coverage, forKey: .coverage)
    }
}

/// `GET /api/staffing?unit=`: the coverage of each of a unit's children (the city: its districts).
struct Staffing: ResponseEncodable {
    let unit: String
    let children: [StaffingCoverage]
}

/// One unit's activity coverage (常态化) in a period: its active practice sites (centers, institutes, stations,
/// practice points) and how many held at least one activity.
struct ActivityCoverage: Encodable, Equatable {
    let unit: String
    let name: String?
    let practiceSites: Int
    let held: Int
    /// held / practiceSites; null without practice sites.
    var coverage: Double? { practiceSites > 0 ? Double(held) / Double(practiceSites) : nil }

    enum CodingKeys: String, CodingKey { case unit, name, practiceSites, held, coverage }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(unit, forKey: .unit)
        try container.encode(name, forKey: .name)
        try container.encode(practiceSites, forKey: .practiceSites)
        try container.encode(held, forKey: .held)
        try container.encode(coverage, forKey: .coverage)
    }
}

/// `GET /api/coverage?unit=&period=`: the activity coverage of each of a unit's children.
struct Coverage: ResponseEncodable {
    let unit: String
    let period: PeriodInfo
    let children: [ActivityCoverage]
}
