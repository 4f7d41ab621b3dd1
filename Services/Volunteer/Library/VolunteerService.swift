import KepuDomain
import KepuRuntime

/// `volunteer`: the Tech Volunteer Service Corps (科技志愿服务总队), matching and service hours.
public enum VolunteerService {
    /// The service as the runtime runs it. Domain handlers, schema and routes are added here as they are built.
    public static let definition = ServiceDefinition(name: .volunteer)
}
