import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows the practice network's registry (`kepu.network.units.v1`): units with their names, parents and
/// populations become the hierarchy KPIs roll up and are read per capita against; sites become units of level
/// `site` under their unit, and the active ones are watched by `no_recent_session` whether or not they ever held
/// a session.
struct RegistryHandler: EventHandler {
    typealias Command = NetworkRecord

    var name: String { "network" }
    var topics: [String] { [Topics.networkUnits.name] }
    /// Signalled when a batch gave a group with nothing pending a change (see `BookingEventsHandler`).
    var snapshotsWanted = Wakeup()
    /// Units the database holds, shared by metrics' handlers (see `KnownUnits`).
    var knownUnits = KnownUnits()

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        try NetworkRecord.decode(event, from: message)
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        // The latest record per id in the batch is its state.
        var units: [String: NetworkUnitRecord] = [:]
        var sites: [String: NetworkSiteRecord] = [:]
        var siteDay: ShanghaiDay?
        for received in commands {
            switch received.command {
            case .unit(let record): units[record.unitId] = record
            case .site(let record):
                sites[record.siteId] = record
                siteDay = max(siteDay ?? received.reportedDay, received.reportedDay)
            }
        }
        var ids: [String] = []
        var parents: [String] = []
        var levels: [String] = []
        var paths: [String] = []
        var names: [String] = []
        var populations: [Int] = []
        var pilots: [String] = []
        for unit in units.values {
            ids.append(unit.unitId)
            parents.append(unit.parentId ?? "")
            levels.append(unit.level.rawValue)
            paths.append(unit.path.joined(separator: "|"))
            names.append(unit.name)
            populations.append(unit.population ?? -1)
            pilots.append(unit.pilotSince ?? "")
        }
        for site in sites.values {
            ids.append(site.siteId)
            parents.append(site.unitId)
            levels.append("site")
            paths.append((site.unitPath + [site.siteId]).joined(separator: "|"))
            names.append(site.name)
            populations.append(-1)
            pilots.append("")
        }
        guard !ids.isEmpty else { return }
        try await transaction.connection.query(
            """
            INSERT INTO metric_unit (unit_id, parent_id, level, path, name, population, pilot_since, in_registry)
            SELECT u, NULLIF(p, ''), l, string_to_array(j, '|'), n, NULLIF(c, -1), NULLIF(s, '')::date, true
            FROM unnest(\(ids)::text[], \(parents)::text[], \(levels)::text[], \(paths)::text[], \(names)::text[], \(populations)::int[],
                        \(pilots)::text[])
                 AS x(u, p, l, j, n, c, s)
            ON CONFLICT (unit_id) DO UPDATE SET
                parent_id = EXCLUDED.parent_id, level = EXCLUDED.level, path = EXCLUDED.path, name = EXCLUDED.name,
                population = EXCLUDED.population, pilot_since = EXCLUDED.pilot_since, in_registry = true
            """, logger: transaction.logger)
        guard !sites.isEmpty else { return }
        let records = Array(sites.values)
        // A site's joining day is its `since`, else the day metrics first learned of it (the earlier wins).
        try await transaction.connection.query(
            """
            INSERT INTO metric_site (site_id, kind, unit_id, active, joined)
            SELECT s, k, u, a, coalesce(NULLIF(d, '')::date, (now() AT TIME ZONE 'Asia/Shanghai')::date)
            FROM unnest(\(records.map(\.siteId))::text[], \(records.map(\.kind.rawValue))::text[], \(records.map(\.unitId))::text[],
                        \(records.map { $0.status == .active })::bool[], \(records.map { $0.since ?? "" })::text[]) AS x(s, k, u, a, d)
            ON CONFLICT (site_id) DO UPDATE SET
                kind = EXCLUDED.kind, unit_id = EXCLUDED.unit_id, active = EXCLUDED.active,
                joined = LEAST(metric_site.joined, EXCLUDED.joined)
            """, logger: transaction.logger)
        // Staffing coverage follows the sites' kind, status and place.
        guard let siteDay else { return }
        let store = MetricsStore(connection: transaction.connection, logger: transaction.logger)
        var counters = CounterChanges()
        try await store.foldSiteStaffing(Set(sites.keys), on: siteDay, into: &counters)
        if try await store.write(counters, earliest: commands.compactMap(\.message.timestamp).min(), known: knownUnits, in: transaction) {
            transaction.afterCommit { [snapshotsWanted] in snapshotsWanted.signal() }
        }
    }
}
