import KepuDomain

extension FieldLimit {
    /// A resident population: Shenzhen has about 17.8 million; no unit of any city has more than this.
    public static let population = 0...100_000_000
    /// A postal address as written.
    public static let address = 500

    /// Checks a calendar day written yyyy-MM-dd (nil passes): consumers cast it to a PostgreSQL date, which would
    /// refuse anything else and fail the batch.
    public static func checkDay(_ value: String?, _ field: String) throws(ContractViolation) {
        guard let value else { return }
        guard value.utf8.count == 10, ShanghaiDay(value) != nil else { throw ContractViolation(field: field, "is not a yyyy-MM-dd day") }
    }

    /// Checks a path: 1 to `maximum` ids (a unit path by default; a site's path is one longer), each an identifier.
    public static func checkPath(_ path: [String], _ field: String, maximum: Int = maximumUnitPathLength) throws(ContractViolation) {
        guard (1...maximum).contains(path.count) else {
            throw ContractViolation(field: field, "has \(path.count) ids, 1...\(maximum) allowed")
        }
        for (index, unit) in path.enumerated() {
            try check(unit, "\(field)[\(index)]", max: identifier)
            // Followers hand a batch's paths to PostgreSQL joined by `|` (one text per row of an unnest).
            guard !unit.utf8.contains(UInt8(ascii: "|")) else { throw ContractViolation(field: "\(field)[\(index)]", "holds a `|`") }
        }
    }
}

extension NetworkUnitRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        try FieldLimit.check(parentId, "parentId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(path, "path")
        guard path.last == unitId else { throw ContractViolation(field: "path", "does not end with the unit itself") }
        if let population { try FieldLimit.check(population, "population", in: FieldLimit.population) }
        try FieldLimit.checkDay(pilotSince, "pilotSince")
    }
}

extension NetworkSiteRecord: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        try FieldLimit.check(address, "address", max: FieldLimit.address, allowEmpty: true)
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(unitPath, "unitPath")
        guard unitPath.last == unitId else { throw ContractViolation(field: "unitPath", "does not end with the site's unit") }
        if let unitPopulation { try FieldLimit.check(unitPopulation, "unitPopulation", in: FieldLimit.population) }
        try FieldLimit.checkDay(since, "since")
        try FieldLimit.checkDay(until, "until")
    }
}
