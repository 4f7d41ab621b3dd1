import KepuContracts
import KepuDomain

/// The whole registry in memory: what an import is checked against and what it changes. Pure: the store loads
/// it and writes what `changes(from:)` finds.
struct RegistryState: Sendable {
    var units: [String: RegistryUnit] = [:]
    var sites: [String: RegistrySite] = [:]

    /// Every unit's path (its ancestors and itself, city first); units whose parents loop or lead nowhere have none.
    func paths() -> [String: [String]] {
        var paths: [String: [String]] = [:]
        paths.reserveCapacity(units.count)
        for id in units.keys where paths[id] == nil {
            var chain: [String] = []
            var current: String? = id
            var resolved: [String]?
            // Levels go four deep, so a walk of more steps is a loop (or a chain that never reaches the city).
            while let step = current, chain.count <= maximumUnitPathLength {
                if let known = paths[step] {
                    resolved = known
                    break
                }
                guard let unit = units[step] else { break }
                chain.append(step)
                guard let parent = unit.parentId else {
                    resolved = []
                    break
                }
                current = parent
            }
            guard var path = resolved else { continue }
            for step in chain.reversed() {
                path.append(step)
                paths[step] = path
            }
        }
        return paths
    }

    func unitRecord(_ unit: RegistryUnit, paths: [String: [String]]) -> NetworkUnitRecord? {
        guard let path = paths[unit.id] else { return nil }
        return NetworkUnitRecord(
            unitId: unit.id, level: unit.level, name: unit.name, parentId: unit.parentId, path: path, population: unit.population,
            populationEstimated: unit.populationEstimated, pilotSince: unit.pilotSince?.description)
    }

    func siteRecord(_ site: RegistrySite, paths: [String: [String]]) -> NetworkSiteRecord? {
        guard let path = paths[site.unitId] else { return nil }
        return NetworkSiteRecord(
            siteId: site.id, kind: site.kind, name: site.name, address: site.address, unitId: site.unitId, unitPath: path,
            unitPopulation: units[site.unitId]?.population, status: site.status, since: site.since?.description, until: site.until?.description)
    }

    /// What changed from `old` to this state, as the records to publish: a changed entry, and every entry whose
    /// record changes with it (a unit moved to another parent changes its descendants' and their sites' paths; a
    /// new population changes its sites' records). Parents come before children.
    func changes(from old: RegistryState) -> RegistryChanges {
        let newPaths = paths()
        let oldPaths = old.paths()
        var changes = RegistryChanges()
        for unit in units.values.sorted(by: { (newPaths[$0.id]?.count ?? 0, $0.id) < (newPaths[$1.id]?.count ?? 0, $1.id) }) {
            guard let record = unitRecord(unit, paths: newPaths) else { continue }
            let before = old.units[unit.id].flatMap { old.unitRecord($0, paths: oldPaths) }
            if before != record {
                changes.units.append(record)
                if before == nil { changes.unitsCreated += 1 }
            }
        }
        for site in sites.values.sorted(by: { $0.id < $1.id }) {
            guard let record = siteRecord(site, paths: newPaths) else { continue }
            let before = old.sites[site.id].flatMap { old.siteRecord($0, paths: oldPaths) }
            if before != record {
                changes.sites.append(record)
                if before == nil { changes.sitesCreated += 1 }
            }
        }
        return changes
    }
}

/// The records an import or a write publishes, and how many of them are new.
struct RegistryChanges: Sendable {
    var units: [NetworkUnitRecord] = []
    var sites: [NetworkSiteRecord] = []
    var unitsCreated = 0
    var sitesCreated = 0
    var isEmpty: Bool { units.isEmpty && sites.isEmpty }
}
