import KepuDomain

/// A volunteer's verified service minutes per month, year and phase (`volunteer_tally`), for the nomination of
/// advanced individuals (先进个人): what the hours states changed, per volunteer. Pure.
enum VolunteerTally {
    struct Key: Hashable, Sendable {
        let volunteerId: String
        let period: ReportingPeriod
    }

    static let periodKinds: Set<ReportingPeriod.Kind> = [.month, .year, .phase]

    /// The minutes to add per volunteer and period, from the hours states before and after a batch (a corrected
    /// record takes its minutes back from its old day's periods); `volunteer` names each state's volunteer.
    static func deltas(before: [String: ServiceHours], after: [String: ServiceHours], volunteer: [String: String]) -> [Key: Int64] {
        var deltas: [Key: Int64] = [:]
        func add(_ state: ServiceHours?, _ sign: Int64, _ person: String) {
            guard let state, let day = state.day, state.verifiedMinutes > 0 else { return }
            for period in ReportingPeriod.containing(day) where periodKinds.contains(period.kind) {
                deltas[Key(volunteerId: person, period: period), default: 0] += sign * state.verifiedMinutes
            }
        }
        for (id, now) in after where before[id] != now {
            guard let person = volunteer[id] else { continue }
            add(before[id], -1, person)
            add(now, 1, person)
        }
        return deltas.filter { $0.value != 0 }
    }
}
