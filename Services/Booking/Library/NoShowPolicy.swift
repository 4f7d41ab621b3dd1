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

    /// Booking's own settings, with every problem reported together.
    public static func load(environment: [String: String]) throws(ConfigurationError) -> NoShowPolicy {
        var reader = ConfigurationReader(environment: environment)
        let policy = NoShowPolicy(
            limit: reader.integer(BookingSetting.noShowLimit), windowDays: reader.integer(BookingSetting.noShowWindowDays),
            suspensionDays: reader.integer(BookingSetting.suspensionDays), graceMinutes: reader.integer(BookingSetting.noShowGraceMinutes),
            sweepSeconds: reader.integer(BookingSetting.sweepSeconds))
        try reader.finish()
        return policy
    }
}

/// Booking's own settings (`KEPU_BOOKING_*`).
public enum BookingSetting: String, SettingKey {
    case noShowLimit = "KEPU_BOOKING_NO_SHOW_LIMIT"
    case noShowWindowDays = "KEPU_BOOKING_NO_SHOW_WINDOW_DAYS"
    case suspensionDays = "KEPU_BOOKING_SUSPENSION_DAYS"
    case noShowGraceMinutes = "KEPU_BOOKING_NO_SHOW_GRACE_MINUTES"
    case sweepSeconds = "KEPU_BOOKING_SWEEP_SECONDS"

    public var declaration: SettingDeclaration {
        let defaults = NoShowPolicy.defaults
        return switch self {
        case .noShowLimit:
            SettingDeclaration(
                rawValue, .integer(default: defaults.limit, range: 1...100),
                "no-shows (late cancellations count) within the window that suspend a resident")
        case .noShowWindowDays:
            SettingDeclaration(rawValue, .integer(default: defaults.windowDays, range: 1...3650), "the window no-shows are counted in, in days")
        case .suspensionDays:
            SettingDeclaration(rawValue, .integer(default: defaults.suspensionDays, range: 0...3650), "days a suspension lasts, at every venue")
        case .noShowGraceMinutes:
            SettingDeclaration(
                rawValue, .integer(default: defaults.graceMinutes, range: 0...10080),
                "minutes after a session's end before unchecked bookings count as no-shows")
        case .sweepSeconds:
            SettingDeclaration(
                rawValue, .integer(default: defaults.sweepSeconds, range: 1...86400),
                "how often the no-show sweep and the dedicated-session cutoff run")
        }
    }
}
