import Foundation

/// `kepu.metrics.alert-raised.v1` and `kepu.metrics.alert-resolved.v1` on `kepu.metrics.alerts.v1` (key:
/// `rule|unit`): a weak spot (薄弱环节) found, and later gone. Each is published once per crossing.
public struct WeakSpotAlert: Sendable, Hashable, Codable {
    /// `low_fill_rate`, `no_recent_session`, `high_no_show_rate`, `waitlist_overflow` or `below_target`.
    public var rule: String
    public var unitId: String
    public var unitLevel: String
    public var unitPath: [String]
    /// The measured value that crossed (or re-crossed) the threshold, and the threshold.
    public var value: Double
    public var threshold: Double
    /// In words, for people.
    public var detail: String
    public var raisedAt: Date
    /// Set on `alert-resolved`.
    public var resolvedAt: Date?

    public init(
        rule: String, unitId: String, unitLevel: String, unitPath: [String], value: Double, threshold: Double, detail: String, raisedAt: Date,
        resolvedAt: Date? = nil
    ) {
        self.rule = rule
        self.unitId = unitId
        self.unitLevel = unitLevel
        self.unitPath = unitPath
        self.value = value
        self.threshold = threshold
        self.detail = detail
        self.raisedAt = raisedAt
        self.resolvedAt = resolvedAt
    }

    public var key: String { "\(rule)|\(unitId)" }
}
