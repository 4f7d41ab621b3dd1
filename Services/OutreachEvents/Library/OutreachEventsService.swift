import KepuDomain
import KepuRuntime

/// `outreach-events`: the activity menu (菜单), its events, and the practice-network registry.
public enum OutreachEventsService {
    /// The service as the runtime runs it, with its own settings read from `environment` (none yet). Domain
    /// handlers, schema and routes are added here as they are built.
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        ServiceDefinition(name: .outreachEvents)
    }
}
