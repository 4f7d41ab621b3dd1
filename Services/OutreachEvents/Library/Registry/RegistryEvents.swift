import KepuContracts
import KepuDomain
import KepuRuntime

/// The registry's records on `kepu.network.units.v1`, keyed by the unit's or site's id (the topic is compacted:
/// the latest record per id is the registry).
enum RegistryEvents {
    static func unitRecorded(_ record: NetworkUnitRecord) throws -> OutgoingEvent {
        OutgoingEvent(
            topic: Topics.networkUnits.name, key: record.unitId,
            event: try CloudEvent(
                source: ServiceName.outreachEvents.eventSource, type: NetworkEventType.unitRecorded, subject: "unit/\(record.unitId)", payload: record
            ))
    }

    static func siteRecorded(_ record: NetworkSiteRecord) throws -> OutgoingEvent {
        OutgoingEvent(
            topic: Topics.networkUnits.name, key: record.siteId,
            event: try CloudEvent(
                source: ServiceName.outreachEvents.eventSource, type: NetworkEventType.siteRecorded, subject: "site/\(record.siteId)", payload: record
            ))
    }
}
