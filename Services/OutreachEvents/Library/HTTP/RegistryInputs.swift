import KepuContracts
import KepuDomain

/// `PUT /admin/network/units/{id}`: a unit's fields (the id is the path's). Checked by the import's rules.
struct UnitInput: Decodable, ClosedPayload {
    let level: UnitLevel
    let name: String
    let parentId: String?
    let population: Int?
    let populationEstimated: Bool?
    let pilotSince: String?

    static var fields: PayloadFields {
        .object(["level": .value, "name": .value, "parentId": .value, "population": .value, "populationEstimated": .value, "pilotSince": .value])
    }

    func row(id: String) -> RegistryRowText {
        var row = RegistryRowText()
        row.type = level.rawValue
        row.id = id
        row.parent = parentId ?? ""
        row.name = name
        row.population = population.map(String.init) ?? ""
        row.estimated = populationEstimated == true ? "true" : ""
        row.pilotSince = pilotSince ?? ""
        return row
    }
}

/// `PUT /admin/network/sites/{id}`: a site's fields.
struct SiteInput: Decodable, ClosedPayload {
    let kind: SiteKind
    let name: String
    let unitId: String
    let address: String?
    let status: SiteStatus?
    let since: String?
    let until: String?

    static var fields: PayloadFields {
        .object(["kind": .value, "name": .value, "unitId": .value, "address": .value, "status": .value, "since": .value, "until": .value])
    }

    func row(id: String) -> RegistryRowText {
        var row = RegistryRowText()
        row.type = kind.rawValue
        row.id = id
        row.parent = unitId
        row.name = name
        row.address = address ?? ""
        row.status = status?.rawValue ?? ""
        row.since = since ?? ""
        row.until = until ?? ""
        return row
    }
}
