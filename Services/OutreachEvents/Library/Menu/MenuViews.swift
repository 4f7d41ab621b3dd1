import Hummingbird
import KepuDomain

struct ThemeView: ResponseEncodable, Equatable {
    let code: String
    let name: String
}

struct ThemeList: ResponseEncodable {
    let themes: [ThemeView]
}

struct ProviderView: ResponseEncodable, Equatable {
    typealias Columns = (String, ProviderKind, String, String?, [String], Bool)
    let id: String
    let kind: ProviderKind
    let name: String
    let siteId: String?
    let districts: [String]
    let active: Bool

    init(_ columns: Columns) { (id, kind, name, siteId, districts, active) = columns }
}

/// A programme on the menu as anyone may read it.
struct ProgrammeView: ResponseEncodable, Equatable {
    typealias Columns = (
        String, String, String, String, ActivityFormat, [String], Int, Int, Int, String, String, String, ProviderKind, [String], Bool
    )
    static let select = """
        p.id, p.title, p.description, p.theme, p.format, p.audiences, p.duration_minutes, p.capacity_min, p.capacity_max, p.requirements,
        p.provider_id, v.name, v.kind, p.districts, p.active
        """

    let id: String
    let title: String
    let description: String
    let theme: String
    let format: ActivityFormat
    let audiences: [AgeBand]
    let durationMinutes: Int
    let capacityMin: Int
    let capacityMax: Int
    let requirements: String
    let providerId: String
    let providerName: String
    let providerKind: ProviderKind
    let districts: [String]
    let active: Bool

    init(_ c: Columns) {
        (id, title, description, theme, format) = (c.0, c.1, c.2, c.3, c.4)
        audiences = c.5.compactMap(AgeBand.init(rawValue:))
        (durationMinutes, capacityMin, capacityMax, requirements) = (c.6, c.7, c.8, c.9)
        (providerId, providerName, providerKind, districts, active) = (c.10, c.11, c.12, c.13, c.14)
    }
}

/// `GET /api/programmes`: a page; `next` is the `after` of the next page.
struct ProgrammePage: ResponseEncodable {
    let programmes: [ProgrammeView]
    let next: String?
}
