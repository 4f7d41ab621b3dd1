import KepuContracts
import KepuDomain

/// One registry row as text: a CSV line's columns, or an admin write's fields. Both go through `entry()`, so an
/// import and a single write accept exactly the same values.
struct RegistryRowText: Sendable, Hashable {
    /// The documented columns, in order (docs/integrating/outreach-events.md).
    static let columns = ["type", "id", "parent", "name", "population", "estimated", "address", "status", "since", "until", "pilot_since"]

    var type = ""
    var id = ""
    var parent = ""
    var name = ""
    var population = ""
    var estimated = ""
    var address = ""
    var status = ""
    var since = ""
    var until = ""
    var pilotSince = ""

    init(columns values: [String]) {
        func at(_ index: Int) -> String { index < values.count ? values[index] : "" }
        type = at(0)
        id = at(1)
        parent = at(2)
        name = at(3)
        population = at(4)
        estimated = at(5)
        address = at(6)
        status = at(7)
        since = at(8)
        until = at(9)
        pilotSince = at(10)
    }

    init() {}

    /// An id: 1-128 bytes of lower-case ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit
    /// (ids travel as Kafka keys, URL path segments and file names).
    static func isIdentifier(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= FieldLimit.identifier else { return false }
        func allowed(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
        return allowed(first) && bytes.allSatisfy { allowed($0) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E }
    }

    /// The entry the row describes, or every problem found in its fields (all of them, not only the first).
    func entry() -> Result<RegistryEntry, RegistryProblems> {
        var problems: [RegistryProblem] = []
        func text(_ value: String, _ field: String, max: Int, required: Bool) -> String {
            if value.isEmpty {
                if required { problems.append(RegistryProblem(.missingField, field: field, "is empty")) }
                return value
            }
            do {
                try FieldLimit.check(value, field, max: max)
            } catch {
                problems.append(RegistryProblem(.invalidField, field: field, error.problem))
            }
            return value
        }
        func identifier(_ value: String, _ field: String, required: Bool) -> String? {
            if value.isEmpty {
                if required { problems.append(RegistryProblem(.missingField, field: field, "is empty")) }
                return nil
            }
            guard Self.isIdentifier(value) else {
                problems.append(
                    RegistryProblem(
                        .invalidField, field: field,
                        "is not an id (1-\(FieldLimit.identifier) lower-case letters, digits, '-', '_' or '.', starting with a letter or digit)"))
                return nil
            }
            return value
        }
        func day(_ value: String, _ field: String) -> ShanghaiDay? {
            guard !value.isEmpty else { return nil }
            guard value.utf8.count == 10, let day = ShanghaiDay(value) else {
                problems.append(RegistryProblem(.badDate, field: field, "is not a yyyy-MM-dd calendar day"))
                return nil
            }
            return day
        }
        func mustBeEmpty(_ value: String, _ field: String, code: RegistryProblem.Code = .invalidField, _ why: String) {
            if !value.isEmpty { problems.append(RegistryProblem(code, field: field, why)) }
        }

        let id = identifier(self.id, "id", required: true)
        let name = text(self.name, "name", max: FieldLimit.name, required: true)
        if let level = UnitLevel(rawValue: type), level != .site {
            let parentId = identifier(parent, "parent", required: false)
            if level != .city, parent.isEmpty {
                problems.append(RegistryProblem(.missingField, field: "parent", "is empty (only the city has none)"))
            }
            var population: Int?
            if !self.population.isEmpty {
                if let value = Int(self.population), FieldLimit.population.contains(value) {
                    population = value
                } else {
                    problems.append(
                        RegistryProblem(
                            .badPopulation, field: "population",
                            "is not a whole number of residents in \(FieldLimit.population.lowerBound)...\(FieldLimit.population.upperBound)"))
                }
            }
            let estimated: Bool
            switch self.estimated.lowercased() {
            case "", "false", "no", "0": estimated = false
            case "true", "yes", "1": estimated = true
            default:
                estimated = false
                problems.append(RegistryProblem(.invalidField, field: "estimated", "is not true or false"))
            }
            mustBeEmpty(address, "address", "is for sites; a unit has none")
            mustBeEmpty(status, "status", code: .badStatus, "is for sites; a unit is not retired")
            mustBeEmpty(since, "since", code: .badDate, "is for sites")
            mustBeEmpty(until, "until", code: .badDate, "is for sites")
            let pilot = day(pilotSince, "pilot_since")
            if pilot != nil, level != .district { problems.append(RegistryProblem(.badDate, field: "pilot_since", "only a district is a pilot")) }
            guard problems.isEmpty, let id else { return .failure(RegistryProblems(problems)) }
            return .success(
                .unit(
                    RegistryUnit(
                        id: id, level: level, name: name, parentId: parentId, population: population, populationEstimated: estimated,
                        pilotSince: pilot)))
        }
        if let kind = SiteKind(rawValue: type) {
            let unitId = identifier(parent, "parent", required: true)
            mustBeEmpty(population, "population", code: .badPopulation, "is for units; a site counts its unit's residents")
            mustBeEmpty(estimated, "estimated", "is for units")
            mustBeEmpty(pilotSince, "pilot_since", code: .badDate, "is for districts")
            let address = text(self.address, "address", max: FieldLimit.address, required: false)
            let status: SiteStatus
            if self.status.isEmpty {
                status = .active
            } else if let known = SiteStatus(rawValue: self.status) {
                status = known
            } else {
                status = .active
                problems.append(RegistryProblem(.badStatus, field: "status", "is not active or retired"))
            }
            let since = day(self.since, "since")
            let until = day(self.until, "until")
            if let since, let until, until < since { problems.append(RegistryProblem(.badDate, field: "until", "is before since")) }
            guard problems.isEmpty, let id, let unitId else { return .failure(RegistryProblems(problems)) }
            return .success(
                .site(RegistrySite(id: id, kind: kind, name: name, address: address, unitId: unitId, status: status, since: since, until: until)))
        }
        problems.insert(
            RegistryProblem(
                .unknownType, field: "type",
                "is not one of \((UnitLevel.allCases.filter { $0 != .site }.map(\.rawValue) + SiteKind.allCases.map(\.rawValue)).joined(separator: ", "))"
            ),
            at: 0)
        return .failure(RegistryProblems(problems))
    }
}

/// The problems of one row, as an error.
struct RegistryProblems: Error, Sendable, Hashable {
    var problems: [RegistryProblem]
    init(_ problems: [RegistryProblem]) { self.problems = problems }
}
