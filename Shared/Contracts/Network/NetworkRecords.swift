import KepuDomain

/// The CloudEvents types on `kepu.network.units.v1`: the whole current record of a unit or a site, published by
/// outreach-events whenever it changes (the topic is compacted: the latest record per id is the registry).
public enum NetworkEventType {
    public static let unitRecorded = "kepu.network.unit-recorded.v1"
    public static let siteRecorded = "kepu.network.site-recorded.v1"
    public static let all = [unitRecorded, siteRecorded]
}

/// The deepest a unit path goes: city, district, street, community.
public let maximumUnitPathLength = 4

/// `kepu.network.unit-recorded.v1`: a unit of the network (city, district, street or community) as it now stands.
public struct NetworkUnitRecord: Sendable, Hashable, Codable {
    public var unitId: String
    public var level: UnitLevel
    public var name: String
    /// Nil for the city.
    public var parentId: String?
    /// The unit's ancestors and the unit itself, city first (e.g. ["sz", "sz-futian", "sz-futian-shatou"]).
    public var path: [String]
    /// Resident population (常住人口), when known.
    public var population: Int?
    /// The population is an estimate (generated or rounded), not a published statistic.
    public var populationEstimated: Bool
    /// For a district in the pilot (试点), the day its pilot began (yyyy-MM-dd).
    public var pilotSince: String?

    public init(
        unitId: String, level: UnitLevel, name: String, parentId: String?, path: [String], population: Int?, populationEstimated: Bool,
        pilotSince: String?
    ) {
        self.unitId = unitId
        self.level = level
        self.name = name
        self.parentId = parentId
        self.path = path
        self.population = population
        self.populationEstimated = populationEstimated
        self.pilotSince = pilotSince
    }
}

/// `kepu.network.site-recorded.v1`: a site (a practice center, institute, station or point, a science base, a
/// demonstration site, the museum) as it now stands, with its unit's path so consumers need no lookup.
public struct NetworkSiteRecord: Sendable, Hashable, Codable {
    public var siteId: String
    public var kind: SiteKind
    public var name: String
    public var address: String
    public var unitId: String
    /// The path of the unit the site sits on, city first (the site itself is not in it).
    public var unitPath: [String]
    /// The unit's resident population, when known.
    public var unitPopulation: Int?
    public var status: SiteStatus
    /// The days the site took part from and until (yyyy-MM-dd), when known.
    public var since: String?
    public var until: String?

    public init(
        siteId: String, kind: SiteKind, name: String, address: String, unitId: String, unitPath: [String], unitPopulation: Int?,
        status: SiteStatus, since: String?, until: String?
    ) {
        self.siteId = siteId
        self.kind = kind
        self.name = name
        self.address = address
        self.unitId = unitId
        self.unitPath = unitPath
        self.unitPopulation = unitPopulation
        self.status = status
        self.since = since
        self.until = until
    }
}
