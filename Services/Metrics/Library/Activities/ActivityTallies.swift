import KepuDomain

/// What activities add up to beyond the counters: per theme (二(四) campaigns by theme, for the city, districts and
/// streets, by month and longer), and per pairing and quarter (二(二) whether a pairing's commitments were met).
/// Pure: the difference a batch of activity state changes makes, as `StateFold` does for the counters.
enum ActivityTallies {
    struct ThemeKey: Hashable, Sendable {
        let unitId: String
        let period: ReportingPeriod
        let theme: String
    }

    struct ThemeAmounts: Hashable, Sendable {
        var activities: Int64 = 0
        var campaignActivities: Int64 = 0
        var participants: Int64 = 0
        var isZero: Bool { activities == 0 && campaignActivities == 0 && participants == 0 }
    }

    struct PairingKey: Hashable, Sendable {
        let pairingId: String
        /// `yyyy-Qn`.
        let quarter: String
    }

    struct PairingAmounts: Hashable, Sendable {
        var activities: Int64 = 0
        var visits: Int64 = 0
        var isZero: Bool { activities == 0 && visits == 0 }
    }

    /// The periods and the depth (city, district, street) themes are kept for: a day's or a site's theme mix
    /// would multiply rows for no reader.
    static let themePeriods: Set<ReportingPeriod.Kind> = [.month, .quarter, .year, .phase]
    static let themeDepth = 3

    static func deltas(before: [String: ActivityState], after: [String: ActivityState]) -> (
        themes: [ThemeKey: ThemeAmounts], pairings: [PairingKey: PairingAmounts]
    ) {
        var themes: [ThemeKey: ThemeAmounts] = [:]
        var pairings: [PairingKey: PairingAmounts] = [:]
        func add(_ state: ActivityState, sign: Int64) {
            guard state.held, let day = state.day else { return }
            if let theme = state.theme, !state.unitPath.isEmpty {
                for period in ReportingPeriod.containing(day) where themePeriods.contains(period.kind) {
                    for unit in state.unitPath.prefix(themeDepth) {
                        var amounts = themes[ThemeKey(unitId: unit, period: period, theme: theme), default: ThemeAmounts()]
                        amounts.activities += sign
                        amounts.campaignActivities += state.inCampaign ? sign : 0
                        amounts.participants += sign * state.participants
                        themes[ThemeKey(unitId: unit, period: period, theme: theme)] = amounts
                    }
                }
            }
            if let pairing = state.pairingId, let quarter = ReportingPeriod.containing(day).first(where: { $0.kind == .quarter }) {
                var amounts = pairings[PairingKey(pairingId: pairing, quarter: quarter.key), default: PairingAmounts()]
                amounts.activities += sign
                amounts.visits += state.format == .visit ? sign : 0
                pairings[PairingKey(pairingId: pairing, quarter: quarter.key)] = amounts
            }
        }
        for (id, now) in after {
            let then = before[id] ?? ActivityState()
            guard then != now else { continue }
            add(then, sign: -1)
            add(now, sign: 1)
        }
        return (themes.filter { !$0.value.isZero }, pairings.filter { !$0.value.isZero })
    }
}
