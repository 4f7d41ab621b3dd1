import KepuDomain
import KepuRuntime

/// `content-supply`: science books to the sites, 科普中国's online works, information officers (信息员). Built so
/// far: the catalogue of books (by ISBN-13) and online works.
public enum ContentSupplyService {
    /// The service as the runtime runs it, with its own settings read from `environment` (none yet).
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        ServiceDefinition(name: .contentSupply, migrations: ContentSchema.migrations, routes: HTTPRoutes([CatalogueRoutes()]))
    }
}
