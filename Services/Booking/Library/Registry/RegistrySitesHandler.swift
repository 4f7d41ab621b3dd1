import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows the practice network's registry (`kepu.network.units.v1`, owned by outreach-events): every site is a
/// venue, with its kind, name and unit path, without an admin call; a retired site takes no new sessions (its
/// sessions and bookings stand). Units need nothing here: a site's record carries its unit's path.
struct RegistrySitesHandler: EventHandler {
    enum Command: Sendable {
        case site(NetworkSiteRecord)
        case unit
    }

    var name: String { "network" }
    var topics: [String] { [Topics.networkUnits.name] }

    static let decoder = EventDecoder<Command>([
        .on(NetworkEventType.siteRecorded, as: NetworkSiteRecord.self) { .site($0) },
        .ignore(NetworkEventType.unitRecorded) { .unit },
    ])

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        let command = try Self.decoder.decode(event)
        // The topic is compacted by key: a record keyed otherwise would outlive the site's later records.
        if case .site(let record) = command, !message.isKeyed(by: record.siteId) {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its siteId")
        }
        return command
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        // The latest record of each site in the batch is its state (records of one site arrive in order).
        var latest: [String: NetworkSiteRecord] = [:]
        for received in commands { if case .site(let record) = received.command { latest[record.siteId] = record } }
        guard !latest.isEmpty else { return }
        let sites = Array(latest.values)
        try await transaction.connection.query(
            """
            INSERT INTO venue AS v (id, kind, name, unit_path, status, in_registry)
            SELECT r.id, r.kind, r.name, string_to_array(r.path, '|'), r.status, true
            FROM unnest(\(sites.map(\.siteId))::text[], \(sites.map(\.kind.venueKind.rawValue))::text[], \(sites.map(\.name))::text[],
                        \(sites.map { $0.unitPath.joined(separator: "|") })::text[], \(sites.map(\.status.rawValue))::text[])
                 AS r(id, kind, name, path, status)
            ON CONFLICT (id) DO UPDATE SET
                kind = EXCLUDED.kind, name = EXCLUDED.name, unit_path = EXCLUDED.unit_path, status = EXCLUDED.status, in_registry = true
            """, logger: transaction.logger)
    }
}
