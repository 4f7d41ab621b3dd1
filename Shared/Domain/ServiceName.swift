/// A service of the suite. Each owns one database, one consumer group per handler, and one dead-letter topic.
public struct ServiceName: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The CloudEvents `source` of every event the service publishes.
    public var eventSource: String { "/kepu/\(rawValue)" }

    /// Reservations: visits to science bases, demonstration sites and the museum, lecture seats (预约).
    public static let booking = ServiceName(rawValue: "booking")
    /// The activity menu (菜单) and its events, and the practice-network registry.
    public static let outreachEvents = ServiceName(rawValue: "outreach-events")
    /// The Tech Volunteer Service Corps (科技志愿服务总队).
    public static let volunteer = ServiceName(rawValue: "volunteer")
    /// Science resources: 科普中国 works, information officers, donated books.
    public static let contentSupply = ServiceName(rawValue: "content-supply")
    /// Monitoring and assessment (监测评估).
    public static let metrics = ServiceName(rawValue: "metrics")

    public static let all: [ServiceName] = [.booking, .outreachEvents, .volunteer, .contentSupply, .metrics]
}
