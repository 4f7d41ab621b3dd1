import Foundation

/// What `metrics` publishes on `kepu.metrics.snapshots.v1` (compacted; key `unit|period|kpi`, e.g.
/// `sz-futian|month:2026-11|fill_rate`): the latest numbers of one KPI of one unit in one period.
public enum MetricEventType {
    public static let snapshot = "kepu.metrics.snapshot.v1"
    public static let alertRaised = "kepu.metrics.alert-raised.v1"
    public static let alertResolved = "kepu.metrics.alert-resolved.v1"
    public static let snapshots = [snapshot]
    public static let alerts = [alertRaised, alertResolved]
}

/// `kepu.metrics.snapshot.v1`. A count has `value` only; a rate has `value = numerator / denominator` and both
/// parts (a rate with no denominator yet has value 0 and denominator 0).
public struct MetricSnapshot: Sendable, Hashable, Codable {
    public var unitId: String
    /// city, district, street, community or site.
    public var unitLevel: String
    /// The unit's path, city first.
    public var unitPath: [String]
    /// day, week, month, quarter, year or phase.
    public var periodKind: String
    /// `2026-11-29`, `2026-W48`, `2026-11`, `2026-Q4`, `2026`, or a phase (`pilot`, `rollout`, `evaluation`).
    public var periodKey: String
    public var kpi: String
    public var value: Double
    public var numerator: Int64?
    public var denominator: Int64?
    /// When these numbers were read from the metrics database.
    public var asOf: Date
    /// When the oldest event not yet in the previous snapshot of this key was published upstream (for lag).
    public var pendingSince: Date?

    public init(
        unitId: String, unitLevel: String, unitPath: [String], periodKind: String, periodKey: String, kpi: String, value: Double,
        numerator: Int64? = nil, denominator: Int64? = nil, asOf: Date, pendingSince: Date? = nil
    ) {
        self.unitId = unitId
        self.unitLevel = unitLevel
        self.unitPath = unitPath
        self.periodKind = periodKind
        self.periodKey = periodKey
        self.kpi = kpi
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
        self.asOf = asOf
        self.pendingSince = pendingSince
    }

    /// The Kafka key: `unit|periodKind:periodKey|kpi`.
    public var key: String { "\(unitId)|\(periodKind):\(periodKey)|\(kpi)" }
}
