import KepuDomain
import KepuRuntime

/// `booking`: reservations of visits and lecture seats (预约), with capacity, waitlists and no-shows.
public enum BookingService {
    /// The service as the runtime runs it.
    public static let definition = ServiceDefinition(
        name: .booking,
        migrations: BookingSchema.migrations,
        handlers: [HandlerRegistration(BookingRequestHandler())],
        routes: BookingHTTPRoutes.make())
}
