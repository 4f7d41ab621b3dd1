import KepuDomain
import KepuRuntime

/// `metrics`: monitoring and assessment (监测评估): KPIs, weak spots, recognition.
public enum MetricsService {
    /// The service as the runtime runs it. Domain handlers, schema and routes are added here as they are built.
    public static let definition = ServiceDefinition(name: .metrics)
}
