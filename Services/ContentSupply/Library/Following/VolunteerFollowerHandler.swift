import KepuContracts
import KepuKafka
import KepuRuntime
import PostgresNIO

/// Follows volunteer (`kepu.volunteer.events.v1`) for its needs surveys' aggregates: residents whose surveyed needs
/// are not met yet are the reading needs allocation weighs (a needs survey asks what residents want to learn; books
/// on it are what a site can offer between events).
struct VolunteerFollowerHandler: EventHandler {
    enum Command: Sendable {
        case needs(NeedsAggregate)
        case other
    }

    var name: String { "volunteer" }
    var topics: [String] { [Topics.volunteerEvents.name] }

    static let decoder = EventDecoder<Command>(
        [.on(VolunteerEventType.needsAggregated, as: NeedsAggregate.self) { .needs($0) }]
            + VolunteerEventType.all.filter { $0 != VolunteerEventType.needsAggregated }.map { type in .ignore(type) { .other } })

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> Command {
        try Self.decoder.decode(event)
    }

    func apply(_ commands: [ReceivedCommand<Command>], in transaction: HandlerTransaction) async throws {
        var latest: [String: NeedsAggregate] = [:]
        for received in commands {
            if case .needs(let aggregate) = received.command { latest["\(aggregate.unitId)/\(aggregate.theme)"] = aggregate }
        }
        guard !latest.isEmpty else { return }
        let records = latest.values.sorted { ($0.unitId, $0.theme) < ($1.unitId, $1.theme) }
        // People whose needs are unmet, in proportion: a unit with 3 needs for 90 people, one met, has 60 waiting.
        let unmet = records.map(Self.unmetPeople)
        try await transaction.connection.query(
            """
            INSERT INTO reading_need (unit_id, theme, unit_path, unmet_people)
            SELECT u, t, string_to_array(p, '|'), n
            FROM unnest(\(records.map(\.unitId))::text[], \(records.map(\.theme))::text[], \(records.map { $0.unitPath.joined(separator: "|") })::text[],
                        \(unmet)::int[]) AS x(u, t, p, n)
            ON CONFLICT (unit_id, theme) DO UPDATE SET unit_path = EXCLUDED.unit_path, unmet_people = EXCLUDED.unmet_people
            """, logger: transaction.logger)
    }

    /// People × (needs − met) / needs, each count clamped first (an aggregate is another service's: a wild one must not
    /// trap or overflow the column; a unit has far fewer than a billion residents).
    static func unmetPeople(_ aggregate: NeedsAggregate) -> Int {
        let needs = min(max(0, aggregate.needs), 1_000_000)
        let met = min(max(0, aggregate.met), needs)
        let people = min(max(0, aggregate.people), 1_000_000_000)
        return needs > 0 ? people / needs * (needs - met) + people % needs * (needs - met) / needs : 0
    }
}
