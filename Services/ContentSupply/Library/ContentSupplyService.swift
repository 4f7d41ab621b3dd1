import KepuDomain
import KepuRuntime

/// `content-supply`: 科普中国 works, information officers (信息员) and donated books.
public enum ContentSupplyService {
    /// The service as the runtime runs it. Domain handlers, schema and routes are added here as they are built.
    public static let definition = ServiceDefinition(name: .contentSupply)
}
