import KepuDomain
import KepuRuntime

/// `content-supply`: 科普中国 works, information officers (信息员) and donated books.
public enum ContentSupplyService {
    /// The service as the runtime runs it, with its own settings read from `environment` (none yet). Domain
    /// handlers, schema and routes are added here as they are built.
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        ServiceDefinition(name: .contentSupply)
    }
}
