import KepuContracts
import KepuKafka

/// A record of the practice network's registry (`kepu.network.units.v1`) as its followers read it: a unit or a
/// site, each keyed by its id (the topic is compacted by key: a record keyed otherwise would outlive the entry's
/// later records, so it is poison).
public enum NetworkRecord: Sendable {
    case unit(NetworkUnitRecord)
    case site(NetworkSiteRecord)

    public var id: String {
        switch self {
        case .unit(let record): record.unitId
        case .site(let record): record.siteId
        }
    }

    static let decoder = EventDecoder<NetworkRecord>([
        .on(NetworkEventType.unitRecorded, as: NetworkUnitRecord.self) { .unit($0) },
        .on(NetworkEventType.siteRecorded, as: NetworkSiteRecord.self) { .site($0) },
    ])

    /// The record `event` carries, refused unless `message` is keyed by its id.
    public static func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> NetworkRecord {
        let record = try decoder.decode(event)
        guard message.isKeyed(by: record.id) else {
            throw PoisonMessage(code: "invalid_payload", reason: "the record's Kafka key must be its unitId or siteId")
        }
        return record
    }
}
