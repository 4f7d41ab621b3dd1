import KepuDomain

/// Checks rows against one another and the registry, and merges them in: the import's rules in one place.
extension RegistryState {
    /// One row's outcome.
    struct RowCheck: Sendable {
        var number: Int
        var id: String
        var problems: [RegistryProblem]
    }

    /// The state with `rows` applied, and each row's problems (none for every row means the import may go in).
    /// Rows refer to each other in any order: a street may come before its district.
    func merging(_ rows: [RegistryCSV.Row]) -> (state: RegistryState, checks: [RowCheck]) {
        var merged = self
        var checks: [RowCheck] = []
        var entries: [(index: Int, entry: RegistryEntry)] = []
        var seen: [String: Int] = [:]
        checks.reserveCapacity(rows.count)
        for row in rows {
            var check = RowCheck(number: row.number, id: row.text.id, problems: [])
            if let malformed = row.malformed {
                check.problems.append(malformed)
            } else {
                switch row.text.entry() {
                case .failure(let failure): check.problems = failure.problems
                case .success(let entry):
                    if let first = seen[entry.id] {
                        check.problems.append(RegistryProblem(.duplicateId, field: "id", "is also on row \(first)"))
                    } else {
                        seen[entry.id] = row.number
                        entries.append((checks.count, entry))
                        switch entry {
                        case .unit(let unit):
                            if merged.sites[unit.id] != nil {
                                check.problems.append(RegistryProblem(.duplicateId, field: "id", "is a site's id"))
                            } else if let existing = merged.units[unit.id], existing.level != unit.level {
                                check.problems.append(
                                    RegistryProblem(.levelChanged, field: "type", "the unit is a \(existing.level.rawValue); a level does not change")
                                )
                            }
                            merged.units[unit.id] = unit
                        case .site(let site):
                            if merged.units[site.id] != nil { check.problems.append(RegistryProblem(.duplicateId, field: "id", "is a unit's id")) }
                            merged.sites[site.id] = site
                        }
                    }
                }
            }
            checks.append(check)
        }
        // Parents are checked once every row is in, so order in the file does not matter.
        let paths = merged.paths()
        for (index, entry) in entries where checks[index].problems.isEmpty {
            checks[index].problems = merged.problems(of: entry, paths: paths)
        }
        return (merged, checks)
    }

    /// What is wrong with where `entry` hangs in this (merged) state.
    func problems(of entry: RegistryEntry, paths: [String: [String]]) -> [RegistryProblem] {
        switch entry {
        case .unit(let unit):
            guard let parentId = unit.parentId else {
                return unit.level == .city ? [] : [RegistryProblem(.missingField, field: "parent", "is empty (only the city has none)")]
            }
            if unit.level == .city { return [RegistryProblem(.wrongParentLevel, field: "parent", "the city has no parent")] }
            guard let parent = units[parentId] else {
                let what = sites[parentId] != nil ? "is a site, not a unit" : "is neither in the file nor in the registry"
                return [RegistryProblem(.unknownParent, field: "parent", "\(parentId) \(what)")]
            }
            if paths[unit.id] == nil {
                return [RegistryProblem(.cycle, field: "parent", "following parents from \(unit.id) never reaches the city")]
            }
            if parent.level != unit.level.parentLevel {
                return [
                    RegistryProblem(
                        .wrongParentLevel, field: "parent",
                        "a \(unit.level.rawValue)'s parent is a \(unit.level.parentLevel?.rawValue ?? "-"); \(parentId) is a \(parent.level.rawValue)"
                    )
                ]
            }
            return []
        case .site(let site):
            guard let unit = units[site.unitId] else {
                let what = sites[site.unitId] != nil ? "is a site, not a unit" : "is neither in the file nor in the registry"
                return [RegistryProblem(.unknownParent, field: "parent", "\(site.unitId) \(what)")]
            }
            if paths[site.unitId] == nil {
                return [RegistryProblem(.cycle, field: "parent", "following parents from \(site.unitId) never reaches the city")]
            }
            guard site.kind.unitLevels.contains(unit.level) else {
                let levels = UnitLevel.allCases.filter { site.kind.unitLevels.contains($0) }.map(\.rawValue).joined(separator: " or ")
                return [
                    RegistryProblem(
                        .wrongParentLevel, field: "parent", "a \(site.kind.rawValue) sits on a \(levels); \(site.unitId) is a \(unit.level.rawValue)")
                ]
            }
            return []
        }
    }
}
