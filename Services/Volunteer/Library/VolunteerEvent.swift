import KepuContracts
import KepuDomain
import KepuRuntime

/// Builds the events volunteer publishes on `kepu.volunteer.events.v1`, keyed by the aggregate's id.
enum VolunteerEvent {
    static func about<Payload: Encodable>(_ id: String, kind: String, _ type: String, _ payload: Payload) throws -> OutgoingEvent {
        OutgoingEvent(
            topic: Topics.volunteerEvents.name, key: id,
            event: try CloudEvent(source: ServiceName.volunteer.eventSource, type: type, subject: "\(kind)/\(id)", payload: payload))
    }
}
