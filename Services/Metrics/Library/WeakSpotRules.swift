import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime

/// The weak-spot (薄弱环节) rules: which units are flagged now, with the measured value and the threshold. Pure:
/// the inputs are the rolling window's totals; `WeakSpotAlerts` turns the result into raised and resolved alerts.
struct WeakSpotRules: Sendable {
    let settings: MetricsSettings

    struct Finding: Sendable, Hashable {
        let rule: WeakSpotRule
        let unitId: String
        let value: Double
        let threshold: Double
        let detail: String
        /// Whether the unit crosses the rule (an alert is due).
        var crossed = true
    }

    /// Every rule's measurement of every unit it applies to, crossing or not (a resolved alert carries the value
    /// that no longer crosses).
    /// - Parameters:
    ///   - totals: per unit, counts summed over the window.
    ///   - districts: the district-level units.
    ///   - lastHeld: per site, the last day a session was held.
    ///   - neverHeld: the sites of `lastHeld` that never held a session (their day is the day they joined).
    func measure(
        totals: [String: KPIValues], districts: Set<String>, lastHeld: [(unit: String, lastDay: ShanghaiDay)], neverHeld: Set<String> = [],
        today: ShanghaiDay
    ) -> [Finding] {
        var findings: [Finding] = []
        let window = settings.windowDays
        // A district far below its peers: fill rate under peerRatio × the median of the districts' fill rates.
        let districtRates = totals.filter { districts.contains($0.key) && $0.value[KPI.seatsOffered] > 0 }.mapValues {
            $0.rate(KPI.Rate.fillRate).value
        }
        if districtRates.count >= 2 {
            let sorted = districtRates.values.sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            let threshold = median * Double(settings.peerRatioPercent) / 100
            for (unit, rate) in districtRates {
                findings.append(
                    Finding(
                        rule: .lowFillRate, unitId: unit, value: rate, threshold: threshold,
                        detail:
                            "fill rate \(percent(rate)) over the last \(window) days, \(rate < threshold ? "under" : "not under") \(settings.peerRatioPercent)% of the district median \(percent(median))",
                        crossed: rate < threshold))
            }
        }
        for (unit, lastDay) in lastHeld {
            let idle = today.number - lastDay.number
            findings.append(
                Finding(
                    rule: .noRecentSession, unitId: unit, value: Double(idle), threshold: Double(settings.idleDays),
                    detail: neverHeld.contains(unit)
                        ? "no session held since it joined on \(lastDay) (\(idle) days ago; threshold \(settings.idleDays))"
                        : "last session held \(lastDay) (\(idle) days ago; threshold \(settings.idleDays))",
                    crossed: idle > settings.idleDays))
        }
        let noShowThreshold = Double(settings.noShowRatePercent) / 100
        for (unit, values) in totals {
            let (rate, _, bookings) = values.rate(KPI.Rate.noShowRate)
            findings.append(
                Finding(
                    rule: .highNoShowRate, unitId: unit, value: rate, threshold: noShowThreshold,
                    detail:
                        "no-show rate \(percent(rate)) of \(bookings) bookings over the last \(window) days (threshold \(settings.noShowRatePercent)%, from \(settings.minimumBookings) bookings)",
                    crossed: bookings >= Int64(settings.minimumBookings) && rate > noShowThreshold))
            let overflow = values[KPI.rejectedFull]
            findings.append(
                Finding(
                    rule: .waitlistOverflow, unitId: unit, value: Double(overflow), threshold: Double(settings.overflowRejections),
                    detail:
                        "\(overflow) requests turned away with the waitlist full over the last \(window) days (threshold \(settings.overflowRejections))",
                    crossed: overflow >= Int64(settings.overflowRejections)))
        }
        return findings
    }

    /// `below_target`: per unit a target measures, the targets it missed in their last complete period (crossed if
    /// any), each named with its numbers.
    static func belowTarget(_ attainments: [TargetAttainment]) -> [Finding] {
        var missed: [String: [String]] = [:]
        var measuredBy: [String: Int] = [:]
        for attainment in attainments {
            for entry in attainment.entries where entry.value != nil {
                measuredBy[entry.unit.id, default: 0] += 1
                if entry.attained == false { missed[entry.unit.id, default: []].append(attainment.detail(entry)) }
            }
        }
        return measuredBy.keys.sorted().map { unit in
            let details = missed[unit] ?? []
            let total = measuredBy[unit] ?? 0
            let detail =
                details.isEmpty
                ? "attains the \(total) target\(total == 1 ? "" : "s") that measure it"
                : "below \(details.count) of \(total) target\(total == 1 ? "" : "s"): " + details.joined(separator: "; ")
            return Finding(
                rule: .belowTarget, unitId: unit, value: Double(details.count), threshold: 1,
                detail: FieldLimit.truncated(detail, maxBytes: 1_000), crossed: !details.isEmpty)
        }
    }
}

func percent(_ rate: Double) -> String { String(format: "%.1f%%", rate * 100) }

/// The weak-spot rules by name (`weak_spot_alert.rule`, the alert topic's `rule`).
enum WeakSpotRule: String, Sendable, Hashable, Codable, CaseIterable, TextEnum, CustomStringConvertible {
    /// A district whose fill rate is under `KEPU_METRICS_PEER_RATIO_PERCENT` of the districts' median.
    case lowFillRate = "low_fill_rate"
    /// A site with no session held in `KEPU_METRICS_IDLE_DAYS`.
    case noRecentSession = "no_recent_session"
    /// A unit whose no-show rate is over `KEPU_METRICS_NO_SHOW_RATE_PERCENT`.
    case highNoShowRate = "high_no_show_rate"
    /// A unit that turned away at least `KEPU_METRICS_OVERFLOW_REJECTIONS` requests full.
    case waitlistOverflow = "waitlist_overflow"
    /// A unit below one of its targets (`kpi_target`) in the target's last complete period: value is how many.
    case belowTarget = "below_target"

    var description: String { rawValue }
}
