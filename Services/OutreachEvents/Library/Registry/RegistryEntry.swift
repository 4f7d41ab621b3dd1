import KepuDomain

/// A unit of the network as the registry stores it (the city, a district, a street, a community).
struct RegistryUnit: Sendable, Hashable {
    var id: String
    var level: UnitLevel
    var name: String
    /// Nil for the city.
    var parentId: String?
    /// Resident population (常住人口), when known.
    var population: Int?
    var populationEstimated: Bool
    /// For a pilot district (试点区), the day its pilot began.
    var pilotSince: ShanghaiDay?
}

/// A site of the network as the registry stores it.
struct RegistrySite: Sendable, Hashable {
    var id: String
    var kind: SiteKind
    var name: String
    var address: String
    var unitId: String
    var status: SiteStatus
    var since: ShanghaiDay?
    var until: ShanghaiDay?
}

/// One row of an import (or one admin write): a unit or a site. Units and sites share one id namespace, since
/// both are keys on `kepu.network.units.v1`.
enum RegistryEntry: Sendable, Hashable {
    case unit(RegistryUnit)
    case site(RegistrySite)

    var id: String {
        switch self {
        case .unit(let unit): unit.id
        case .site(let site): site.id
        }
    }

    /// The unit this entry hangs from: a unit's parent, a site's unit.
    var parentId: String? {
        switch self {
        case .unit(let unit): unit.parentId
        case .site(let site): site.unitId
        }
    }
}
