import KepuContracts
import KepuDomain
import KepuRuntime

/// Builds the events booking publishes on `kepu.booking.events.v1`: keyed by the session, or for museum pooling
/// (before there is a session) by the museum's venue id.
enum BookingEvent {
    static func about<Payload: Encodable>(session: String, _ type: String, _ payload: Payload) throws -> OutgoingEvent {
        OutgoingEvent(
            topic: Topics.bookingEvents.name, key: session,
            event: try CloudEvent(source: ServiceName.booking.eventSource, type: type, subject: "session/\(session)", payload: payload))
    }

    static func about<Payload: Encodable>(venue: String, _ type: String, _ payload: Payload) throws -> OutgoingEvent {
        OutgoingEvent(
            topic: Topics.bookingEvents.name, key: venue,
            event: try CloudEvent(source: ServiceName.booking.eventSource, type: type, subject: "venue/\(venue)", payload: payload))
    }
}
