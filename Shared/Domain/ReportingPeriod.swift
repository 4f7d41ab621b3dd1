import Foundation

/// A period that numbers are reported for: a Shanghai calendar day, ISO week, month, quarter or year, or one of
/// the programme's phases. Keys are what dashboards see: `2026-11-29`, `2026-W48`, `2026-11`, `2026-Q4`, `2026`,
/// `pilot`.
public struct ReportingPeriod: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case day, week, month, quarter, year, phase
    }

    public var kind: Kind
    public var key: String

    public init(kind: Kind, key: String) {
        self.kind = kind
        self.key = key
    }

    public var description: String { "\(kind.rawValue):\(key)" }

    // A period is hashed by its kind's case, not its name (the standard library's default for an enum with raw
    // values hashes the raw string): periods key the metrics fold's dictionaries of groups.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(withUnsafeBytes(of: kind) { $0.load(as: UInt8.self) })
        hasher.combine(key)
    }

    /// Every period the Shanghai day `day` falls in: one of each calendar kind, and each phase that covers it.
    public static func containing(_ day: ShanghaiDay) -> [ReportingPeriod] {
        let (year, month, _) = day.civil
        let week = day.isoWeek
        var periods = [
            ReportingPeriod(kind: .day, key: day.description),
            ReportingPeriod(kind: .week, key: "\(week.year.zeroPadded(4))-W\(week.week.zeroPadded(2))"),
            ReportingPeriod(kind: .month, key: "\(year.zeroPadded(4))-\(month.zeroPadded(2))"),
            ReportingPeriod(kind: .quarter, key: "\(year.zeroPadded(4))-Q\((month - 1) / 3 + 1)"),
            ReportingPeriod(kind: .year, key: year.zeroPadded(4)),
        ]
        for phase in ProgrammePhase.allCases where phase.days.contains(day) {
            periods.append(ReportingPeriod(kind: .phase, key: phase.rawValue))
        }
        return periods
    }

    /// The days the period covers (first and last inclusive), or nil for a key that does not parse (or names a year
    /// outside `ShanghaiDay.supportedYears`).
    public var days: ClosedRange<ShanghaiDay>? {
        // A four-digit year and a short suffix: anything longer is no key of ours (and an unbounded year overflows).
        guard key.utf8.count <= 10 else { return nil }
        func fourDigitYear(_ text: Substring) -> Int? {
            guard text.count == 4, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let year = Int(text),
                ShanghaiDay.supportedYears.contains(year)
            else { return nil }
            return year
        }
        switch kind {
        case .day:
            return ShanghaiDay(key).map { $0...$0 }
        case .week:
            let parts = key.split(separator: "-W")
            guard parts.count == 2, let year = fourDigitYear(parts[0]), parts[1].count == 2, let week = Int(parts[1]), (1...53).contains(week) else {
                return nil
            }
            // ISO week 1 is the week with the year's first Thursday, i.e. the one holding 4 January.
            let jan4 = ShanghaiDay(year: year, month: 1, day: 4)
            let monday = ShanghaiDay(number: jan4.number - jan4.weekdayFromMonday + (week - 1) * 7)
            guard monday.isoWeek.week == week else { return nil }
            return monday...ShanghaiDay(number: monday.number + 6)
        case .month:
            let parts = key.split(separator: "-")
            guard parts.count == 2, let year = fourDigitYear(parts[0]), parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month)
            else { return nil }
            let first = ShanghaiDay(year: year, month: month, day: 1)
            let next = month == 12 ? ShanghaiDay(year: year + 1, month: 1, day: 1) : ShanghaiDay(year: year, month: month + 1, day: 1)
            return first...ShanghaiDay(number: next.number - 1)
        case .quarter:
            let parts = key.split(separator: "-Q")
            guard parts.count == 2, let year = fourDigitYear(parts[0]), parts[1].count == 1, let quarter = Int(parts[1]), (1...4).contains(quarter)
            else { return nil }
            let first = ShanghaiDay(year: year, month: quarter * 3 - 2, day: 1)
            let next = quarter == 4 ? ShanghaiDay(year: year + 1, month: 1, day: 1) : ShanghaiDay(year: year, month: quarter * 3 + 1, day: 1)
            return first...ShanghaiDay(number: next.number - 1)
        case .year:
            guard let year = fourDigitYear(Substring(key)) else { return nil }
            return ShanghaiDay(year: year, month: 1, day: 1)...ShanghaiDay(year: year, month: 12, day: 31)
        case .phase:
            return ProgrammePhase(rawValue: key)?.days
        }
    }

    /// The period just before this one of the same kind (for "change versus the previous period"); for a phase,
    /// the phase before it. Nil for the first phase or a key that does not parse.
    public var previous: ReportingPeriod? {
        guard let days else { return nil }
        switch kind {
        case .phase:
            guard let phase = ProgrammePhase(rawValue: key), let index = ProgrammePhase.allCases.firstIndex(of: phase), index > 0 else { return nil }
            return ReportingPeriod(kind: .phase, key: ProgrammePhase.allCases[index - 1].rawValue)
        default:
            let dayBefore = ShanghaiDay(number: days.lowerBound.number - 1)
            return ReportingPeriod.containing(dayBefore).first { $0.kind == kind }
        }
    }

    /// The period of `kind` holding `date` (for a phase: the first phase that covers it).
    public static func current(_ kind: Kind, at date: Date) -> ReportingPeriod? {
        containing(ShanghaiDay(date)).first { $0.kind == kind }
    }
}

/// The programme's phases (the seed, 三): the pilot, the city-wide rollout and the final evaluation. The
/// evaluation year lies inside the rollout, so a day of 2025 counts in both.
public enum ProgrammePhase: String, Sendable, Hashable, Codable, CaseIterable {
    /// 试点 (2022).
    case pilot
    /// 全面推开 (2023-2025).
    case rollout
    /// 总结评估 (2025).
    case evaluation

    public var days: ClosedRange<ShanghaiDay> {
        switch self {
        case .pilot: ShanghaiDay(year: 2022, month: 1, day: 1)...ShanghaiDay(year: 2022, month: 12, day: 31)
        case .rollout: ShanghaiDay(year: 2023, month: 1, day: 1)...ShanghaiDay(year: 2025, month: 12, day: 31)
        case .evaluation: ShanghaiDay(year: 2025, month: 1, day: 1)...ShanghaiDay(year: 2025, month: 12, day: 31)
        }
    }
}
