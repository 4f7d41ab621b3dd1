import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows the practice network's registry (`kepu.network.units.v1`): the sites books go to, with their unit's
/// population (for allocation) and path (for scope). Units themselves are not kept: a site's record carries what
/// allocation needs.
struct RegistryFollowerHandler: EventHandler {
    typealias Command = NetworkRecord

    var name: String { "network" }
    var topics: [String] { [Topics.networkUnits.name] }

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        try NetworkRecord.decode(event, from: message)
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        var sites: [String: NetworkSiteRecord] = [:]
        for received in commands {
            if case .site(let record) = received.command { sites[record.siteId] = record }
        }
        guard !sites.isEmpty else { return }
        let records = sites.values.sorted { $0.siteId < $1.siteId }
        try await transaction.connection.query(
            """
            INSERT INTO site AS s (id, kind, unit_id, unit_path, population, active)
            SELECT r.id, r.kind, r.unit, string_to_array(r.path, '|'), NULLIF(r.population, -1), r.status = 'active'
            FROM unnest(\(records.map(\.siteId))::text[], \(records.map(\.kind.rawValue))::text[], \(records.map(\.unitId))::text[],
                        \(records.map { $0.unitPath.joined(separator: "|") })::text[], \(records.map { $0.unitPopulation ?? -1 })::int[],
                        \(records.map(\.status.rawValue))::text[]) AS r(id, kind, unit, path, population, status)
            ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, unit_id = EXCLUDED.unit_id, unit_path = EXCLUDED.unit_path,
                population = EXCLUDED.population, active = EXCLUDED.active
            """, logger: transaction.logger)
    }
}
