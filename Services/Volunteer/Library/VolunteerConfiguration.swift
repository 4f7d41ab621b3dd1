import KepuRuntime

/// volunteer's own settings (`KEPU_VOLUNTEER_*`).
public enum VolunteerSetting: String, SettingKey {
    case offerSeconds = "KEPU_VOLUNTEER_OFFER_SECONDS"
    case shortfallMinutes = "KEPU_VOLUNTEER_SHORTFALL_MINUTES"
    case fairnessDays = "KEPU_VOLUNTEER_FAIRNESS_DAYS"
    case needWindowDays = "KEPU_VOLUNTEER_NEED_WINDOW_DAYS"
    case sweepSeconds = "KEPU_VOLUNTEER_SWEEP_SECONDS"

    public var declaration: SettingDeclaration {
        let defaults = MatchingPolicy.defaults
        return switch self {
        case .offerSeconds:
            SettingDeclaration(
                rawValue, .integer(default: defaults.offerSeconds, range: 5...604_800),
                "seconds a volunteer has to answer an offer (never past the event's start)")
        case .shortfallMinutes:
            SettingDeclaration(
                rawValue, .integer(default: defaults.shortfallMinutes, range: 1...43_200),
                "minutes before an event at which it is still short of volunteers raises a shortfall")
        case .fairnessDays:
            SettingDeclaration(
                rawValue, .integer(default: defaults.fairnessDays, range: 1...3650),
                "days either side of an event over which a volunteer's load (hours offered, accepted, served) is weighed (lighter first)")
        case .needWindowDays:
            SettingDeclaration(
                rawValue, .integer(default: defaults.needWindowDays, range: 1...3650),
                "days after a needs survey within which an event of its theme at or near its unit meets it")
        case .sweepSeconds:
            SettingDeclaration(
                rawValue, .integer(default: defaults.sweepSeconds, range: 1...86_400),
                "how often expired offers, short events and shortfalls are looked for")
        }
    }
}

/// How matching offers, waits and weighs (read once at start-up).
struct MatchingPolicy: Sendable, Hashable {
    var offerSeconds: Int
    var shortfallMinutes: Int
    var fairnessDays: Int
    var needWindowDays: Int
    var sweepSeconds: Int

    /// A day to answer, a shortfall two days ahead, a quarter's hours for fairness, a quarter for needs.
    static let defaults = MatchingPolicy(offerSeconds: 86_400, shortfallMinutes: 2_880, fairnessDays: 90, needWindowDays: 90, sweepSeconds: 60)

    static func load(environment: [String: String]) throws(ConfigurationError) -> MatchingPolicy {
        var reader = ConfigurationReader(environment: environment)
        let policy = MatchingPolicy(
            offerSeconds: reader.integer(VolunteerSetting.offerSeconds), shortfallMinutes: reader.integer(VolunteerSetting.shortfallMinutes),
            fairnessDays: reader.integer(VolunteerSetting.fairnessDays), needWindowDays: reader.integer(VolunteerSetting.needWindowDays),
            sweepSeconds: reader.integer(VolunteerSetting.sweepSeconds))
        try reader.finish()
        return policy
    }
}
