import KepuRuntime

/// content-supply's own settings (`KEPU_CONTENT_*`).
public enum ContentSetting: String, SettingKey {
    case visitorEventsPerMinute = "KEPU_CONTENT_VISITOR_EVENTS_PER_MINUTE"
    case rollUpSeconds = "KEPU_CONTENT_ROLLUP_SECONDS"
    case loanDays = "KEPU_CONTENT_LOAN_DAYS"
    case engagementBatchSize = "KEPU_CONTENT_ENGAGEMENT_BATCH_SIZE"

    public var declaration: SettingDeclaration {
        let defaults = ContentPolicy.defaults
        return switch self {
        case .visitorEventsPerMinute:
            SettingDeclaration(
                rawValue, .integer(default: defaults.visitorEventsPerMinute, range: 1...100_000),
                "engagement events one visitor hash may send in a minute; past it their events are counted as flagged, not trusted")
        case .rollUpSeconds:
            SettingDeclaration(
                rawValue, .integer(default: defaults.rollUpSeconds, range: 1...3_600),
                "how often engagement roll-ups and officers' scores that changed are published")
        case .loanDays:
            SettingDeclaration(rawValue, .integer(default: defaults.loanDays, range: 1...365), "days a resident may keep a lent book")
        case .engagementBatchSize:
            SettingDeclaration(
                rawValue, .integer(default: defaults.engagementBatchSize, range: 1...100_000),
                "engagement events folded per transaction (in place of KEPU_CONSUMER_BATCH_SIZE for that stream)")
        }
    }
}

/// How content-supply counts, publishes and lends (read once at start-up).
struct ContentPolicy: Sendable, Hashable {
    var visitorEventsPerMinute: Int
    var rollUpSeconds: Int
    var loanDays: Int
    /// Engagement is folded in big batches: each batch reads and rewrites every work-site-day it touches once.
    var engagementBatchSize: Int

    /// A view every second for a minute is already more than a person reads; roll-ups once a minute; three weeks'
    /// loans, as a public library's.
    static let defaults = ContentPolicy(visitorEventsPerMinute: 60, rollUpSeconds: 60, loanDays: 21, engagementBatchSize: 20_000)

    static func load(environment: [String: String]) throws(ConfigurationError) -> ContentPolicy {
        var reader = ConfigurationReader(environment: environment)
        let policy = ContentPolicy(
            visitorEventsPerMinute: reader.integer(ContentSetting.visitorEventsPerMinute),
            rollUpSeconds: reader.integer(ContentSetting.rollUpSeconds),
            loanDays: reader.integer(ContentSetting.loanDays),
            engagementBatchSize: reader.integer(ContentSetting.engagementBatchSize))
        try reader.finish()
        return policy
    }
}
