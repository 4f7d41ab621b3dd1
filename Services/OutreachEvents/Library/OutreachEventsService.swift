import KepuDomain
import KepuRuntime

/// `outreach-events`: the practice-network registry (units and sites, published on `kepu.network.units.v1`), and
/// (to come) the activity menu (菜单) and its events.
public enum OutreachEventsService {
    /// The service as the runtime runs it, with its own settings read from `environment` (none yet).
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        ServiceDefinition(name: .outreachEvents, migrations: OutreachSchema.migrations, routes: OutreachHTTPRoutes.make())
    }
}
