import KepuRuntime

/// Booking's HTTP API. Admin (bearer token): venues, sessions (single and recurring), capacity, close, rosters.
/// Public: a venue's sessions, a session's availability, and one booking by id and claim token.
enum BookingHTTPRoutes {
    static func make(policy: NoShowPolicy) -> HTTPRoutes {
        HTTPRoutes([VenueRoutes(), SessionRoutes(policy: policy), BookingLookupRoutes()])
    }
}
