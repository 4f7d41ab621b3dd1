import Hummingbird
import KepuDomain

/// A unit as the API shows it: its record, and how many units and sites hang from it.
struct UnitView: ResponseEncodable, Equatable {
    typealias Columns = (String, UnitLevel, String, String?, [String], Int?, Bool, String?, Int, Int)

    let id: String
    let level: UnitLevel
    let name: String
    let parentId: String?
    let path: [String]
    let population: Int?
    let populationEstimated: Bool
    let pilotSince: String?
    let children: Int
    let sites: Int

    init(_ columns: Columns) {
        (id, level, name, parentId, path, population, populationEstimated, pilotSince, children, sites) = columns
    }
}

/// A site as the API shows it.
struct SiteView: ResponseEncodable, Equatable {
    typealias Columns = (String, SiteKind, String, String, String, [String], SiteStatus, String?, String?)

    let id: String
    let kind: SiteKind
    let name: String
    let address: String
    let unitId: String
    let unitPath: [String]
    let status: SiteStatus
    let since: String?
    let until: String?

    init(_ columns: Columns) {
        (id, kind, name, address, unitId, unitPath, status, since, until) = columns
    }
}

/// `GET /network/units/{id}/children`: a page of a unit's child units; `next` is the `after` of the next page.
struct UnitChildren: ResponseEncodable {
    let unitId: String
    let units: [UnitView]
    let next: String?
}

/// `GET /network/units/{id}/sites`.
struct UnitSites: ResponseEncodable {
    let unitId: String
    let sites: [SiteView]
    let next: String?
}

extension RegistryImportReport: ResponseEncodable {}
