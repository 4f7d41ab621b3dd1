import KepuContracts
import KepuDomain
import KepuRuntime

/// A target (目标): what every unit of one level (and, for sites, one kind) under a scope should reach in each
/// period of one kind, e.g. "every station holds one activity a month". City admins set targets for the city, district
/// admins for their district; a unit's attainment is its measure against the target's `minimum`.
struct KPITarget: Sendable, Hashable, Codable {
    /// Chosen by the admin who sets it (`station-monthly-activity`).
    var id: String
    var measure: TargetMeasure
    var level: UnitLevel
    /// For site-level targets: only sites of this kind (stations, centers, ...); nil for every site.
    var siteKind: SiteKind?
    var periodKind: ReportingPeriod.Kind
    /// The unit (a district, say) whose units the target applies to; nil for the whole network.
    var scope: String?
    /// The least value that attains the target.
    var minimum: Double
    /// Why the target exists (a plan's line, a scoring sheet).
    var note: String

    enum CodingKeys: String, CodingKey { case id, measure, level, siteKind, periodKind, scope, minimum, note }

    // Every field written, a missing one as null, as the API's schema says.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(measure, forKey: .measure)
        try container.encode(level, forKey: .level)
        try container.encode(siteKind, forKey: .siteKind)
        try container.encode(periodKind, forKey: .periodKind)
        try container.encode(scope, forKey: .scope)
        try container.encode(minimum, forKey: .minimum)
        try container.encode(note, forKey: .note)
    }
}

/// A target as an admin sends it (`PUT /admin/targets/{id}`; the id is the path's).
struct TargetInput: Decodable, Sendable, ValidatedPayload {
    var measure: TargetMeasure
    var level: UnitLevel
    var siteKind: SiteKind?
    var periodKind: ReportingPeriod.Kind
    var scope: String?
    var minimum: Double
    var note: String?

    func validate() throws(ContractViolation) {
        try FieldLimit.check(scope, "scope", max: FieldLimit.identifier)
        try FieldLimit.check(note, "note", max: FieldLimit.text)
        guard minimum.isFinite, minimum >= 0, minimum <= 1e12 else { throw ContractViolation(field: "minimum", "must be 0...1e12") }
        if siteKind != nil, level != .site { throw ContractViolation(field: "siteKind", "applies to site-level targets only") }
        if periodKind == .phase || periodKind == .day { throw ContractViolation(field: "periodKind", "must be week, month, quarter or year") }
    }

    func target(id: String) -> KPITarget {
        KPITarget(
            id: id, measure: measure, level: level, siteKind: siteKind, periodKind: periodKind, scope: scope, minimum: minimum, note: note ?? "")
    }
}

/// What a target measures of a unit in a period: a count, a rate, or a count per so many residents (the
/// registry's population). A count that is a level (`KPI.isLevel`: volunteers registered, books in stock) is read
/// as it stood at the period's end; any other count as what happened in the period.
struct TargetMeasure: Sendable, Hashable, Codable {
    enum Quantity: Sendable, Hashable {
        case count(KPI)
        case rate(KPI.Rate)
    }

    var quantity: Quantity
    /// Per this many residents (1: a share of the population; 100; 10,000); nil for the quantity itself.
    var perResidents: Int?

    init(_ quantity: Quantity, perResidents: Int? = nil) {
        self.quantity = quantity
        self.perResidents = perResidents
    }

    enum CodingKeys: String, CodingKey { case kpi, perResidents }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .kpi)
        if let kpi = KPI(rawValue: name) {
            quantity = .count(kpi)
        } else if let rate = KPI.Rate(rawValue: name) {
            quantity = .rate(rate)
        } else {
            throw ContractViolation(field: "measure.kpi", "names no KPI: \(FieldLimit.truncated(name, maxBytes: 64))")
        }
        perResidents = try container.decodeIfPresent(Int.self, forKey: .perResidents)
        if let perResidents {
            try FieldLimit.check(perResidents, "measure.perResidents", in: 1...100_000)
            if case .rate = quantity { throw ContractViolation(field: "measure.perResidents", "applies to counts, not rates") }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .kpi)
        try container.encodeIfPresent(perResidents, forKey: .perResidents)
    }

    var name: String {
        switch quantity {
        case .count(let kpi): kpi.rawValue
        case .rate(let rate): rate.rawValue
        }
    }

    /// The counts it reads.
    var counts: [KPI] {
        switch quantity {
        case .count(let kpi): [kpi]
        case .rate(let rate): [rate.numerator, rate.denominator]
        }
    }

    /// As words, for an alert's detail: "books_in_stock per 100 residents".
    var description: String {
        guard let perResidents else { return name }
        return perResidents == 1 ? "\(name) per resident" : "\(name) per \(perResidents) residents"
    }

    /// The unit's value from its counts (for the period, levels at its end), or nil when it cannot be measured (a
    /// rate with nothing to divide by, a count per residents of a unit whose population is unknown).
    func value(of values: KPIValues, population: Int?) -> Double? {
        switch quantity {
        case .rate(let rate):
            let (value, _, denominator) = values.rate(rate)
            return denominator > 0 ? value : nil
        case .count(let kpi):
            guard let perResidents else { return Double(values[kpi]) }
            guard let population, population > 0 else { return nil }
            return Double(values[kpi]) * Double(perResidents) / Double(population)
        }
    }
}

extension KPI {
    /// A count that is a level (a stock), net of what joined and left: its sum over every day up to a day is the
    /// level then. A target reads it at the period's end, not as the period's change.
    var isLevel: Bool {
        switch self {
        case .volunteersRegistered, .siteHeadsRegistered, .booksInStock, .booksOnLoan, .informationOfficers, .officerPoints, .pairingsActive,
            .practiceSites, .staffedSites:
            true
        default: false
        }
    }
}

extension TargetInput: ClosedPayload {
    static var fields: PayloadFields {
        .object([
            "measure": .object(["kpi": .value, "perResidents": .value]), "level": .value, "siteKind": .value, "periodKind": .value,
            "scope": .value, "minimum": .value, "note": .value,
        ])
    }
}
