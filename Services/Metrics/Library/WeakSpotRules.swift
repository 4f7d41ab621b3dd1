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

    /// The plan lines' per-capita measures `below_peers` compares districts by: a count in the window per 10,000
    /// residents.
    static let peerMeasures: [(kpi: KPI, name: String)] = [
        (.activitiesHeld, "activities"), (.activityParticipants, "participants"), (.verifiedServiceMinutes, "verified service minutes"),
        (.workViews, "online works' views"), (.volunteersRegistered, "volunteers registered"),
    ]

    /// The counts `falling_trend` follows, and the least a district must have had in the window before for a fall
    /// to say something (a drop from 3 to 1 is noise).
    static let trendMeasures: [(kpi: KPI, name: String)] = [
        (.activitiesHeld, "activities"), (.activityParticipants, "participants"), (.verifiedServiceMinutes, "verified service minutes"),
        (.workViews, "online works' views"),
    ]
    static let trendMinimum: Int64 = 10

    /// `below_peers`: per district with a population, each plan line's count per 10,000 residents in the window
    /// against `peerRatioPercent` of the districts' median (crossed if any line is under it), every line named with
    /// its numbers. A line no district did anything in says nothing.
    func belowPeers(totals: [String: KPIValues], districts: [UnitInfo]) -> [Finding] {
        let measured = districts.filter { ($0.population ?? 0) > 0 }
        guard measured.count >= 2 else { return [] }
        var below: [String: [String]] = [:]
        var lines: [String: Int] = [:]
        for (kpi, name) in Self.peerMeasures {
            var rates: [String: Double] = [:]
            for unit in measured {
                rates[unit.id] = (totals[unit.id] ?? KPIValues()).per(kpi, residents: 10_000, population: unit.population)
            }
            let sorted = rates.values.sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            guard median > 0 else { continue }
            let threshold = median * Double(settings.peerRatioPercent) / 100
            for (unit, rate) in rates {
                lines[unit, default: 0] += 1
                if rate < threshold {
                    below[unit, default: []].append(
                        String(format: "%@ %.2f per 10,000 residents against a median of %.2f", name, rate, median))
                }
            }
        }
        return lines.keys.sorted().map { unit in
            let details = below[unit] ?? []
            let detail =
                details.isEmpty
                ? "not under \(settings.peerRatioPercent)% of the districts' median on any of \(lines[unit] ?? 0) lines over the last \(settings.windowDays) days"
                : "under \(settings.peerRatioPercent)% of the districts' median over the last \(settings.windowDays) days: "
                    + details.joined(separator: "; ")
            return Finding(
                rule: .belowPeers, unitId: unit, value: Double(details.count), threshold: Double(settings.peerRatioPercent) / 100,
                detail: FieldLimit.truncated(detail, maxBytes: 1_000), crossed: !details.isEmpty)
        }
    }

    /// `falling_trend`: per district, the plan lines' counts in the last window against the window before: crossed
    /// when one fell by more than `fallingTrendPercent` from at least `trendMinimum`.
    func fallingTrend(totals: [String: KPIValues], before: [String: KPIValues], districts: [UnitInfo]) -> [Finding] {
        var findings: [Finding] = []
        for unit in districts {
            let (now, then) = (totals[unit.id] ?? KPIValues(), before[unit.id] ?? KPIValues())
            var falls: [String] = []
            var measured = 0
            for (kpi, name) in Self.trendMeasures where then[kpi] >= Self.trendMinimum {
                measured += 1
                let fall = Double(then[kpi] - now[kpi]) / Double(then[kpi])
                if fall * 100 > Double(settings.fallingTrendPercent) {
                    falls.append(String(format: "%@ %lld, down %.0f%% from %lld", name, now[kpi], fall * 100, then[kpi]))
                }
            }
            guard measured > 0 else { continue }
            let detail =
                falls.isEmpty
                ? "no line fell by more than \(settings.fallingTrendPercent)% from the \(settings.windowDays) days before"
                : "over the last \(settings.windowDays) days against the \(settings.windowDays) before: " + falls.joined(separator: "; ")
            findings.append(
                Finding(
                    rule: .fallingTrend, unitId: unit.id, value: Double(falls.count), threshold: Double(settings.fallingTrendPercent) / 100,
                    detail: FieldLimit.truncated(detail, maxBytes: 1_000), crossed: !falls.isEmpty))
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
    /// A district whose count per 10,000 residents on a line of the plan (activities, participants, hours, views,
    /// volunteers) is under `KEPU_METRICS_PEER_RATIO_PERCENT` of the districts' median, over the window: value is
    /// how many lines.
    case belowPeers = "below_peers"
    /// A district whose activities, participants, hours or views fell by more than `KEPU_METRICS_FALLING_TREND_PERCENT`
    /// from the window before: value is how many lines.
    case fallingTrend = "falling_trend"

    var description: String { rawValue }
}
