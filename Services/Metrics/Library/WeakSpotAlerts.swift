import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Evaluates the weak-spot rules and keeps `weak_spot_alert` in step: a finding with no open alert raises one
/// (`alert-raised`), an open alert with no finding is resolved (`alert-resolved`). Each is emitted once, in the
/// transaction that changes the table, so repeated rounds publish nothing new while nothing crosses.
struct WeakSpotAlerts: Sendable {
    let settings: MetricsSettings
    let queries: KPIQueries

    static func task(context: RuntimeContext, settings: MetricsSettings) -> SingleReplicaTask {
        let alerts = WeakSpotAlerts(settings: settings, queries: KPIQueries(client: context.client, logger: context.logger))
        return SingleReplicaTask(
            name: "metrics.weak-spot-alerts", interval: .seconds(settings.alertIntervalSeconds), client: context.client,
            logger: context.logger
        ) { transaction in
            // Counted as no work, so the task sleeps until the next interval instead of evaluating again at once.
            _ = try await alerts.evaluate(in: transaction, now: Date())
            return 0
        }
    }

    /// One evaluation at `now`; returns the alerts raised and resolved.
    func evaluate(in transaction: HandlerTransaction, now: Date) async throws -> (raised: [WeakSpotAlert], resolved: [WeakSpotAlert]) {
        let today = ShanghaiDay(now)
        let window = today.advanced(by: -(settings.windowDays - 1))...today
        let totals = try await queries.windowTotals(days: window)
        let before = try await queries.windowTotals(days: window.lowerBound.advanced(by: -settings.windowDays)...window.lowerBound.advanced(by: -1))
        let districtUnits = try await queries.units(atLevel: .district)
        let districts = Set(districtUnits.map(\.id))
        let sites = try await queries.sitesLastHeld(before: now)
        let lastHeld = try await queries.lastSessionHeld(before: now) + sites.map { ($0.site, $0.lastDay) }
        let targets = TargetStore(client: queries.client, logger: queries.logger)
        var attainments: [TargetAttainment] = []
        for target in try await targets.all() {
            guard let period = target.lastCompletePeriod(at: now) else { continue }
            attainments.append(try await targets.attainment(of: target, in: period))
        }
        let measurements =
            WeakSpotRules(settings: settings).measure(
                totals: totals, districts: districts, lastHeld: lastHeld, neverHeld: Set(sites.filter(\.neverHeld).map(\.site)), today: today)
            + WeakSpotRules.belowTarget(attainments)
            + WeakSpotRules(settings: settings).belowPeers(totals: totals, districts: districtUnits)
            + WeakSpotRules(settings: settings).fallingTrend(totals: totals, before: before, districts: districtUnits)
        let findings = measurements.filter(\.crossed)
        var current: [String: WeakSpotRules.Finding] = [:]
        for measurement in measurements { current["\(measurement.rule)|\(measurement.unitId)"] = measurement }

        let connection = transaction.connection
        let logger = transaction.logger
        struct OpenAlert {
            let rule: WeakSpotRule
            let unit: String
            let raisedAt: Date
            let value, threshold: Double
            let detail: String
        }
        var open: [String: OpenAlert] = [:]
        let rows = try await connection.query(
            "SELECT rule, unit_id, raised_at, value, threshold, detail FROM weak_spot_alert WHERE resolved_at IS NULL FOR UPDATE", logger: logger)
        for try await (rule, unit, raisedAt, value, threshold, detail) in rows.decode((WeakSpotRule, String, Date, Double, Double, String).self) {
            open["\(rule)|\(unit)"] = OpenAlert(rule: rule, unit: unit, raisedAt: raisedAt, value: value, threshold: threshold, detail: detail)
        }
        var units: [String: UnitInfo] = [:]
        func info(_ id: String) async throws -> UnitInfo {
            if let known = units[id] { return known }
            let found = try await queries.unit(id) ?? UnitInfo(id: id, level: .site, path: [id], parentId: nil)
            units[id] = found
            return found
        }
        var raised: [WeakSpotAlert] = []
        var resolved: [WeakSpotAlert] = []
        let flagged = Set(findings.map { "\($0.rule)|\($0.unitId)" })
        for finding in findings where open["\(finding.rule)|\(finding.unitId)"] == nil {
            try await connection.query(
                """
                INSERT INTO weak_spot_alert (rule, unit_id, raised_at, value, threshold, detail)
                VALUES (\(finding.rule), \(finding.unitId), \(now), \(finding.value), \(finding.threshold), \(finding.detail))
                """, logger: logger)
            let unit = try await info(finding.unitId)
            raised.append(
                WeakSpotAlert(
                    rule: finding.rule.rawValue, unitId: unit.id, unitLevel: unit.level.rawValue, unitPath: unit.path, value: finding.value,
                    threshold: finding.threshold,
                    detail: finding.detail, raisedAt: now))
        }
        for (key, alert) in open where !flagged.contains(key) {
            try await connection.query(
                "UPDATE weak_spot_alert SET resolved_at = \(now) WHERE rule = \(alert.rule) AND unit_id = \(alert.unit) AND resolved_at IS NULL",
                logger: logger)
            let unit = try await info(alert.unit)
            // The numbers now, which no longer cross; a unit the rule no longer measures (no data in the window,
            // fewer than two districts to compare) keeps the raised numbers.
            let measured = current[key]
            resolved.append(
                WeakSpotAlert(
                    rule: alert.rule.rawValue, unitId: unit.id, unitLevel: unit.level.rawValue, unitPath: unit.path,
                    value: measured?.value ?? alert.value,
                    threshold: measured?.threshold ?? alert.threshold, detail: measured?.detail ?? "no longer measured (\(alert.detail))",
                    raisedAt: alert.raisedAt, resolvedAt: now))
        }
        for (alert, type) in raised.map({ ($0, MetricEventType.alertRaised) }) + resolved.map({ ($0, MetricEventType.alertResolved) }) {
            transaction.emit(
                OutgoingEvent(
                    topic: Topics.metricAlerts.name, key: alert.key,
                    event: try CloudEvent(source: ServiceName.metrics.eventSource, type: type, subject: alert.key, payload: alert)))
        }
        return (raised, resolved)
    }
}
