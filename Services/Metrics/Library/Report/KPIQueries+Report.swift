import Foundation
import KepuDomain
import PostgresNIO

/// A weak-spot alert as the report lists it: the alert as `/api/alerts` shows it, and when it was resolved, if it was.
@dynamicMemberLookup
struct AlertHistoryRow: Sendable {
    let alert: OpenAlert
    let resolvedAt: Date?

    subscript<Value>(dynamicMember field: KeyPath<OpenAlert, Value>) -> Value { alert[keyPath: field] }
}

extension KPIQueries {
    /// The alerts raised or resolved within `days` (Shanghai days), oldest first; at most `limit` (a report lists
    /// the first of a flood, and says how many it left out).
    func alerts(raisedOrResolvedIn days: ClosedRange<ShanghaiDay>, limit: Int = 500) async throws -> [AlertHistoryRow] {
        let from = days.lowerBound.start
        let until = days.upperBound.advanced(by: 1).start
        let rows = try await client.query(
            """
            SELECT a.rule, a.unit_id, coalesce(u.level, 'site'), a.value, a.threshold, a.detail, a.raised_at, a.resolved_at
            FROM weak_spot_alert a LEFT JOIN metric_unit u USING (unit_id)
            WHERE (a.raised_at >= \(from) AND a.raised_at < \(until)) OR (a.resolved_at >= \(from) AND a.resolved_at < \(until))
            ORDER BY a.raised_at, a.rule, a.unit_id
            LIMIT \(limit)
            """, logger: logger)
        var result: [AlertHistoryRow] = []
        for try await (rule, unit, level, value, threshold, detail, raisedAt, resolvedAt) in rows.decode(
            (WeakSpotRule, String, UnitLevel, Double, Double, String, Date, Date?).self)
        {
            result.append(
                AlertHistoryRow(
                    alert: OpenAlert(rule: rule, unit: unit, level: level, value: value, threshold: threshold, detail: detail, raisedAt: raisedAt),
                    resolvedAt: resolvedAt))
        }
        return result
    }
}

extension ReportingPeriod {
    /// The parts a trend chart of this period shows: a phase by quarters, a year or a quarter by months, a month by
    /// weeks, a week by days (a day is its own single part).
    var parts: [ReportingPeriod] {
        switch kind {
        case .phase: periods(of: .quarter)
        case .year, .quarter: periods(of: .month)
        case .month: periods(of: .week)
        case .week, .day: periods(of: .day)
        }
    }

    /// The periods of `kind` that meet this one, in order (a week that straddles its edges included).
    func periods(of kind: Kind) -> [ReportingPeriod] {
        guard let days else { return [] }
        var periods: [ReportingPeriod] = []
        var day = days.lowerBound
        while day <= days.upperBound {
            if let period = ReportingPeriod.containing(day).first(where: { $0.kind == kind }), periods.last != period { periods.append(period) }
            day = day.advanced(by: 1)
        }
        return periods
    }
}
