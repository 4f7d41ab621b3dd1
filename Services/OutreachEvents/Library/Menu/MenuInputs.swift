import KepuContracts
import KepuDomain

/// `PUT /admin/providers/{id}`: a provider on the menu.
struct ProviderInput: Decodable, ClosedPayload, ValidatedPayload {
    let kind: ProviderKind
    let name: String
    /// The base, site or museum it is, when it is one.
    let siteId: String?
    /// The districts (unit ids) it serves.
    let districts: [String]
    let active: Bool?

    static var fields: PayloadFields {
        .object(["kind": .value, "name": .value, "siteId": .value, "districts": .value, "active": .value])
    }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.check(districts.count, "districts.count", in: 1...50)
        for (index, district) in districts.enumerated() { try FieldLimit.check(district, "districts[\(index)]", max: FieldLimit.identifier) }
    }
}

/// `PUT /admin/programmes/{id}`: a programme on the menu.
struct ProgrammeInput: Decodable, ClosedPayload, ValidatedPayload {
    let title: String
    let description: String?
    let theme: String
    let format: ActivityFormat
    let audiences: [AgeBand]
    let durationMinutes: Int
    let capacityMin: Int
    let capacityMax: Int
    /// What the ordering site must provide (a room, a projector, ...).
    let requirements: String?
    let providerId: String
    let districts: [String]
    let active: Bool?

    static var fields: PayloadFields {
        .object([
            "title": .value, "description": .value, "theme": .value, "format": .value, "audiences": .value, "durationMinutes": .value,
            "capacityMin": .value, "capacityMax": .value, "requirements": .value, "providerId": .value, "districts": .value, "active": .value,
        ])
    }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(title, "title", max: FieldLimit.name)
        try FieldLimit.check(description, "description", max: FieldLimit.text)
        try FieldLimit.check(theme, "theme", max: FieldLimit.code)
        try FieldLimit.check(audiences.count, "audiences.count", in: 1...AgeBand.allCases.count)
        try FieldLimit.check(durationMinutes, "durationMinutes", in: FieldLimit.minutes)
        try FieldLimit.check(capacityMin, "capacityMin", in: FieldLimit.audience)
        try FieldLimit.check(capacityMax, "capacityMax", in: capacityMin...FieldLimit.audience.upperBound)
        try FieldLimit.check(requirements, "requirements", max: FieldLimit.text)
        try FieldLimit.check(providerId, "providerId", max: FieldLimit.identifier)
        try FieldLimit.check(districts.count, "districts.count", in: 1...50)
        for (index, district) in districts.enumerated() { try FieldLimit.check(district, "districts[\(index)]", max: FieldLimit.identifier) }
    }
}

/// `PUT /admin/themes/{code}`: a theme's name (the list is the seed's, extensible).
struct ThemeInput: Decodable, ClosedPayload, ValidatedPayload {
    let name: String
    static var fields: PayloadFields { .object(["name": .value]) }
    func validate() throws(ContractViolation) { try FieldLimit.check(name, "name", max: FieldLimit.name) }
}
