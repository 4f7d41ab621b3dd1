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
    /// `falling_trend`: a district whose plan-line count fell by more than this share (percent) from the window
    /// before to the last window.
    public var fallingTrendPercent: Int = 30
    /// How long the evaluation report, once computed for a period, is served as it is (0: computed per request).
    public var reportCacheSeconds: Int = 60
    /// What recognition's unit score weighs (`RecognitionWeights`).
    var recognitionWeights = RecognitionWeights.defaults

    public static let defaults = MetricsSettings(
        snapshotIntervalMilliseconds: 1000, busyEventsPerSecond: 2000, busySnapshotIntervalMilliseconds: 5000, alertIntervalSeconds: 30,
        windowDays: 30, peerRatioPercent: 50, idleDays: 60, noShowRatePercent: 25,
        minimumBookings: 20, overflowRejections: 20)

    public static func load(environment: [String: String]) throws(ConfigurationError) -> MetricsSettings {
        var reader = ConfigurationReader(environment: environment)
        let settings = MetricsSettings(
            snapshotIntervalMilliseconds: reader.integer(MetricsSetting.snapshotInterval),
            busyEventsPerSecond: reader.integer(MetricsSetting.busyEventsPerSecond),
            busySnapshotIntervalMilliseconds: reader.integer(MetricsSetting.busySnapshotInterval),
            alertIntervalSeconds: reader.integer(MetricsSetting.alertIntervalSeconds),
            windowDays: reader.integer(MetricsSetting.windowDays), peerRatioPercent: reader.integer(MetricsSetting.peerRatioPercent),
            idleDays: reader.integer(MetricsSetting.idleDays), noShowRatePercent: reader.integer(MetricsSetting.noShowRatePercent),
            minimumBookings: reader.integer(MetricsSetting.minimumBookings), overflowRejections: reader.integer(MetricsSetting.overflowRejections))
        var loaded = settings
        loaded.fallingTrendPercent = reader.integer(MetricsSetting.fallingTrendPercent)
        loaded.reportCacheSeconds = reader.integer(MetricsSetting.reportCacheSeconds)
        switch RecognitionWeights.parse(reader.string(MetricsSetting.recognitionWeights)) {
        case .success(let weights): loaded.recognitionWeights = weights
        case .failure(let error): reader.problem("\(MetricsSetting.recognitionWeights.rawValue): \(error)")
        }
        try reader.finish()
        return loaded
    }
}

/// metrics' own settings (`KEPU_METRICS_*`).
public enum MetricsSetting: String, SettingKey {
    case snapshotInterval = "KEPU_METRICS_SNAPSHOT_INTERVAL_MS"
    case busyEventsPerSecond = "KEPU_METRICS_BUSY_EVENTS_PER_SECOND"
    case busySnapshotInterval = "KEPU_METRICS_BUSY_SNAPSHOT_INTERVAL_MS"
    case alertIntervalSeconds = "KEPU_METRICS_ALERT_INTERVAL_SECONDS"
    case windowDays = "KEPU_METRICS_WINDOW_DAYS"
    case peerRatioPercent = "KEPU_METRICS_PEER_RATIO_PERCENT"
    case idleDays = "KEPU_METRICS_IDLE_DAYS"
    case noShowRatePercent = "KEPU_METRICS_NO_SHOW_RATE_PERCENT"
    case minimumBookings = "KEPU_METRICS_MIN_BOOKINGS"
    case overflowRejections = "KEPU_METRICS_OVERFLOW_REJECTIONS"
    case fallingTrendPercent = "KEPU_METRICS_FALLING_TREND_PERCENT"
    case recognitionWeights = "KEPU_METRICS_RECOGNITION_WEIGHTS"
    case reportCacheSeconds = "KEPU_METRICS_REPORT_CACHE_SECONDS"

    public var declaration: SettingDeclaration {
        let d = MetricsSettings.defaults
        return switch self {
        case .snapshotInterval:
            SettingDeclaration(
                rawValue, .integer(default: d.snapshotIntervalMilliseconds, range: 10...3_600_000),
                "a snapshot key is published at most once per this many ms")
        case .busyEventsPerSecond:
            SettingDeclaration(
                rawValue, .integer(default: d.busyEventsPerSecond, range: 1...100_000_000),
                "above this many folded events a second, the replica is busy")
        case .busySnapshotInterval:
            SettingDeclaration(
                rawValue, .integer(default: d.busySnapshotIntervalMilliseconds, range: 10...3_600_000), "the snapshot interval while busy, in ms")
        case .alertIntervalSeconds:
            SettingDeclaration(
                rawValue, .integer(default: d.alertIntervalSeconds, range: 1...86400), "how often the weak-spot rules are evaluated, in seconds")
        case .windowDays:
            SettingDeclaration(rawValue, .integer(default: d.windowDays, range: 1...3650), "the rolling window the weak-spot rules look at, in days")
        case .peerRatioPercent:
            SettingDeclaration(
                rawValue, .integer(default: d.peerRatioPercent, range: 1...100),
                "`low_fill_rate`: a district under this % of the districts' median fill rate")
        case .idleDays:
            SettingDeclaration(
                rawValue, .integer(default: d.idleDays, range: 1...3650), "`no_recent_session`: a site with no session held in this many days")
        case .noShowRatePercent:
            SettingDeclaration(rawValue, .integer(default: d.noShowRatePercent, range: 1...100), "`high_no_show_rate`: a no-show rate over this %")
        case .minimumBookings:
            SettingDeclaration(
                rawValue, .integer(default: d.minimumBookings, range: 1...1_000_000),
                "bookings a unit needs in the window (or period) before its no-show rate or recognition score counts")
        case .overflowRejections:
            SettingDeclaration(
                rawValue, .integer(default: d.overflowRejections, range: 1...1_000_000),
                "`waitlist_overflow`: requests turned away full in the window")
        case .fallingTrendPercent:
            SettingDeclaration(
                rawValue, .integer(default: d.fallingTrendPercent, range: 1...100),
                "`falling_trend`: a district whose activities, participants, hours or views fell by more than this % from the window before")
        case .recognitionWeights:
            SettingDeclaration(
                rawValue, .text(default: RecognitionWeights.defaultText),
                "recognition's unit score: `name=weight,...` (0-100 each) of fill_rate, check_in_rate, attendance, activity_reach, average_rating, staffing_rate, needs_met_rate, order_fulfilment"
            )
        case .reportCacheSeconds:
            SettingDeclaration(
                rawValue, .integer(default: d.reportCacheSeconds, range: 0...86400),
                "the evaluation report, once computed for a period, is served as it is for this many seconds (0: computed per request)")
        }
    }
}
