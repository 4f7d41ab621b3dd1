import KepuRuntime

/// No-show rules: N no-shows (late cancellations count) within D days suspend a resident for S days at every venue.
public struct NoShowPolicy: Sendable, Hashable {
    public var limit: Int
    public var windowDays: Int
    public var suspensionDays: Int
    /// A session counts as over this long after its end (late arrivals still check in).
    public var graceMinutes: Int
    /// How often the sweeper looks for ended sessions.
    public var sweepSeconds: Int

    public static let defaults = NoShowPolicy(limit: 3, windowDays: 90, suspensionDays: 30, graceMinutes: 30, sweepSeconds: 30)

    /// The booking-specific variables (listed in the README), with every problem reported together.
    public static func load(environment: [String: String]) throws(ConfigurationError) -> NoShowPolicy {
        var reader = ConfigurationReader(environment: environment)
        let policy = NoShowPolicy(
            limit: reader.integer("KEPU_BOOKING_NO_SHOW_LIMIT", default: defaults.limit, in: 1...100),
            windowDays: reader.integer("KEPU_BOOKING_NO_SHOW_WINDOW_DAYS", default: defaults.windowDays, in: 1...3650),
            suspensionDays: reader.integer("KEPU_BOOKING_SUSPENSION_DAYS", default: defaults.suspensionDays, in: 0...3650),
            graceMinutes: reader.integer("KEPU_BOOKING_NO_SHOW_GRACE_MINUTES", default: defaults.graceMinutes, in: 0...10080),
            sweepSeconds: reader.integer("KEPU_BOOKING_SWEEP_SECONDS", default: defaults.sweepSeconds, in: 1...86400))
        try reader.finish()
        return policy
    }
}
