import KepuContracts
import KepuDomain
import KepuRuntime

/// Builds the events outreach-events publishes on `kepu.outreach.events.v1`, keyed by the aggregate's id.
enum OutreachEvent {
    static func about<Payload: Encodable>(_ id: String, kind: String, _ type: String, _ payload: Payload) throws -> OutgoingEvent {
        OutgoingEvent(
            topic: Topics.outreachEvents.name, key: id,
            event: try CloudEvent(source: ServiceName.outreachEvents.eventSource, type: type, subject: "\(kind)/\(id)", payload: payload))
    }
}
