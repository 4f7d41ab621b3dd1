import KepuDomain
import KepuRuntime

/// `booking`: reservations of visits and lecture seats (预约), with capacity, waitlists and no-shows.
public enum BookingService {
    /// The service as the runtime runs it. Domain handlers, schema and routes are added here as they are built.
    public static let definition = ServiceDefinition(name: .booking)
}
