import KepuRuntime

/// metrics' own settings (`KEPU_METRICS_*`, listed in the README): snapshot coalescing and the weak-spot rules.
public struct MetricsSettings: Sendable, Hashable {
    /// A snapshot key is published at most once per this interval (changes in between are coalesced).
    public var snapshotIntervalMilliseconds: Int
    /// Busy mode: while this replica folds more events a second than this...
    public var busyEventsPerSecond: Int
    /// ... a snapshot key is published at most once per this (longer) interval.
    public var busySnapshotIntervalMilliseconds: Int
    /// How often the weak-spot rules are evaluated.
    public var alertIntervalSeconds: Int
    /// The rolling window the rules look at (fill rate, no-show rate, overflow).
    public var windowDays: Int
    /// `low_fill_rate`: a district whose fill rate is under this share (percent) of the median of all districts.
    public var peerRatioPercent: Int
    /// `no_recent_session`: a site with no session held in this many days.
    public var idleDays: Int
    /// `high_no_show_rate`: no-show rate over this percentage...
    public var noShowRatePercent: Int
    /// ... once at least this many bookings were made in the window (fewer say nothing).
    public var minimumBookings: Int
    /// `waitlist_overflow`: at least this many requests turned away full (waitlist full too) in the window.
    public var overflowRejections: Int

    public static let defaults = MetricsSettings(
        snapshotIntervalMilliseconds: 1000, busyEventsPerSecond: 2000, busySnapshotIntervalMilliseconds: 5000, alertIntervalSeconds: 30, windowDays: 30, peerRatioPercent: 50, idleDays: 60, noShowRatePercent: 25,
        minimumBookings: 20, overflowRejections: 20)

    public static func load(environment: [String: String]) throws(ConfigurationError) -> MetricsSettings {
        var reader = ConfigurationReader(environment: environment)
        let settings = MetricsSettings(
            snapshotIntervalMilliseconds: reader.integer("KEPU_METRICS_SNAPSHOT_INTERVAL_MS", default: defaults.snapshotIntervalMilliseconds, in: 10...3_600_000),
            busyEventsPerSecond: reader.integer("KEPU_METRICS_BUSY_EVENTS_PER_SECOND", default: defaults.busyEventsPerSecond, in: 1...100_000_000),
            busySnapshotIntervalMilliseconds: reader.integer(
                "KEPU_METRICS_BUSY_SNAPSHOT_INTERVAL_MS", default: defaults.busySnapshotIntervalMilliseconds, in: 10...3_600_000),
            alertIntervalSeconds: reader.integer("KEPU_METRICS_ALERT_INTERVAL_SECONDS", default: defaults.alertIntervalSeconds, in: 1...86400),
            windowDays: reader.integer("KEPU_METRICS_WINDOW_DAYS", default: defaults.windowDays, in: 1...3650),
            peerRatioPercent: reader.integer("KEPU_METRICS_PEER_RATIO_PERCENT", default: defaults.peerRatioPercent, in: 1...100),
            idleDays: reader.integer("KEPU_METRICS_IDLE_DAYS", default: defaults.idleDays, in: 1...3650),
            noShowRatePercent: reader.integer("KEPU_METRICS_NO_SHOW_RATE_PERCENT", default: defaults.noShowRatePercent, in: 1...100),
            minimumBookings: reader.integer("KEPU_METRICS_MIN_BOOKINGS", default: defaults.minimumBookings, in: 1...1_000_000),
            overflowRejections: reader.integer("KEPU_METRICS_OVERFLOW_REJECTIONS", default: defaults.overflowRejections, in: 1...1_000_000))
        try reader.finish()
        return settings
    }
}
