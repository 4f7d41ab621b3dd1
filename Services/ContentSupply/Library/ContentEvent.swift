import KepuContracts
import KepuDomain
import KepuRuntime

/// Builds the events content-supply publishes on `kepu.content.events.v1`, keyed by the aggregate's id.
enum ContentEvent {
    static func about<Payload: Encodable>(_ id: String, kind: String, _ type: String, _ payload: Payload) throws -> OutgoingEvent {
        OutgoingEvent(
            topic: Topics.contentEvents.name, key: id,
            event: try CloudEvent(source: ServiceName.contentSupply.eventSource, type: type, subject: "\(kind)/\(id)", payload: payload))
    }
}
