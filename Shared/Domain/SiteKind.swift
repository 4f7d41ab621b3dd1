/// What a site of the practice network is. The civilization practice sites (新时代文明实践阵地) sit on the unit of
/// their own level: a center (中心) on a district, an institute (所) on a street, a station (站) on a community,
/// a practice point (实践点) on a street or a community. Science bases (科普基地), demonstration sites (科普示范点) and
/// the museum (市科学馆) are recognised by the city association and sit on whichever unit they are in.
public enum SiteKind: String, Sendable, Hashable, Codable, CaseIterable {
    case center
    case institute
    case station
    case practicePoint = "practice_point"
    case scienceBase = "science_base"
    case demonstrationSite = "demonstration_site"
    case museum

    /// The levels of unit a site of this kind may sit on.
    public var unitLevels: Set<UnitLevel> {
        switch self {
        case .center: [.district]
        case .institute: [.street]
        case .station: [.community]
        case .practicePoint: [.street, .community]
        case .scienceBase, .demonstrationSite, .museum: [.city, .district, .street, .community]
        }
    }

    /// The kind of venue booking makes of it: every practice site (center, institute, station, practice point)
    /// is a `practice_site`.
    public var venueKind: VenueKind {
        switch self {
        case .center, .institute, .station, .practicePoint: .practiceSite
        case .scienceBase: .scienceBase
        case .demonstrationSite: .demonstrationSite
        case .museum: .museum
        }
    }
}

/// Whether a site still takes part: a retired site keeps its history but takes no new sessions or activities.
public enum SiteStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active, retired
}

extension UnitLevel {
    /// The level a unit's parent has (a district's parent is the city); nil for the city and for sites.
    public var parentLevel: UnitLevel? {
        switch self {
        case .city, .site: nil
        case .district: .city
        case .street: .district
        case .community: .street
        }
    }
}
