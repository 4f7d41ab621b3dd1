import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows the practice network's registry (`kepu.network.units.v1`, owned by outreach-events): units are where
/// volunteers live and serve and needs are surveyed; practice centers, institutes and stations are the sites whose
/// heads the seed asks to register (their share is recounted as sites come and go).
struct RegistryFollowerHandler: EventHandler {
    typealias Command = NetworkRecord

    var name: String { "network" }
    var topics: [String] { [Topics.networkUnits.name] }

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        try NetworkRecord.decode(event, from: message)
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        var units: [String: NetworkUnitRecord] = [:]
        var sites: [String: NetworkSiteRecord] = [:]
        for received in commands {
            switch received.command {
            case .unit(let record): units[record.unitId] = record
            case .site(let record): sites[record.siteId] = record
            }
        }
        let connection = transaction.connection
        let logger = transaction.logger
        if !units.isEmpty {
            let records = units.values.sorted { $0.unitId < $1.unitId }
            try await connection.query(
                """
                INSERT INTO network_unit AS u (id, level, path)
                SELECT r.id, r.level, string_to_array(r.path, '|')
                FROM unnest(\(records.map(\.unitId))::text[], \(records.map(\.level.rawValue))::text[],
                            \(records.map { $0.path.joined(separator: "|") })::text[]) AS r(id, level, path)
                ON CONFLICT (id) DO UPDATE SET level = EXCLUDED.level, path = EXCLUDED.path
                """, logger: logger)
        }
        guard !sites.isEmpty else { return }
        let records = sites.values.sorted { $0.siteId < $1.siteId }
        let previous = try await connection.query(
            "SELECT unit_path FROM network_site WHERE id = ANY(\(records.map(\.siteId)))", logger: logger
        ).collect().map { try $0.decode([String].self) }
        try await connection.query(
            """
            INSERT INTO network_site AS s (id, kind, unit_path, active)
            SELECT r.id, r.kind, string_to_array(r.path, '|'), r.status = 'active'
            FROM unnest(\(records.map(\.siteId))::text[], \(records.map(\.kind.rawValue))::text[],
                        \(records.map { $0.unitPath.joined(separator: "|") })::text[], \(records.map(\.status.rawValue))::text[])
                 AS r(id, kind, path, status)
            ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, unit_path = EXCLUDED.unit_path, active = EXCLUDED.active
            """, logger: logger)
        // The city and districts the sites lie (and lay) in.
        let affected = Set((records.map(\.unitPath) + previous).flatMap { $0.prefix(2) })
        try await CorpsStore(logger: logger).recountSiteHeads(units: affected, in: transaction)
    }
}
