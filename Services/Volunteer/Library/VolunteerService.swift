import KepuDomain
import KepuRuntime

/// `volunteer`: the Tech Volunteer Service Corps (科技志愿服务总队), matching and service hours.
public enum VolunteerService {
    /// The service as the runtime runs it, with its own settings read from `environment` (none yet). Domain
    /// handlers, schema and routes are added here as they are built.
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        ServiceDefinition(name: .volunteer)
    }
}
