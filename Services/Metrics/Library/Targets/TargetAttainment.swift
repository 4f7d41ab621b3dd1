import Foundation
import KepuDomain

/// How the units a target applies to stand against it in one period. Pure: the store reads the units and their
/// counts (for a level, as it stood at the period's end).
struct TargetAttainment: Sendable {
    struct Entry: Sendable {
        let unit: UnitInfo
        /// Nil when the unit cannot be measured (nothing to divide by, population unknown).
        let value: Double?
        var attained: Bool? { value.map { $0 >= minimum } }
        let minimum: Double
    }

    let target: KPITarget
    let period: ReportingPeriod
    let entries: [Entry]

    init(target: KPITarget, period: ReportingPeriod, units: [UnitInfo], values: [String: KPIValues]) {
        self.target = target
        self.period = period
        entries = units.map { unit in
            Entry(unit: unit, value: target.measure.value(of: values[unit.id] ?? KPIValues(), population: unit.population), minimum: target.minimum)
        }.sorted { $0.unit.id < $1.unit.id }
    }

    var measured: Int { entries.count { $0.value != nil } }
    var attained: Int { entries.count { $0.attained == true } }
    /// The share of the units measured that attain it; nil when none is measured.
    var attainedShare: Double? { measured > 0 ? Double(attained) / Double(measured) : nil }

    /// The units measured and below the target.
    var below: [Entry] { entries.filter { $0.attained == false } }

    /// An alert's words for a unit below it: the target, the period and both numbers.
    func detail(_ entry: Entry) -> String {
        "\(target.measure.description) \(format(entry.value ?? 0)) in \(period), under the target \(target.id) (at least \(format(target.minimum)))"
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
    }
}
