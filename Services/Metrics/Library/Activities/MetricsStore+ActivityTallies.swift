import KepuDomain
import PostgresNIO

extension MetricsStore {
    /// Adds a batch's theme and pairing tallies, rows in one order (the deepest unit first, as the counters).
    func addActivityTallies(
        themes: [ActivityTallies.ThemeKey: ActivityTallies.ThemeAmounts], pairings: [ActivityTallies.PairingKey: ActivityTallies.PairingAmounts]
    ) async throws {
        if !themes.isEmpty {
            let keys = themes.keys.sorted {
                ($0.unitId.utf8.count, $0.unitId, $0.period.description, $0.theme) > (
                    $1.unitId.utf8.count, $1.unitId, $1.period.description, $1.theme
                )
            }
            let amounts = keys.map { themes[$0] ?? ActivityTallies.ThemeAmounts() }
            try await connection.query(
                """
                INSERT INTO activity_theme_tally AS t (unit_id, period_kind, period_key, theme, activities, campaign_activities, participants)
                SELECT * FROM unnest(\(keys.map(\.unitId))::text[], \(keys.map(\.period.kind.rawValue))::text[], \(keys.map(\.period.key))::text[],
                                     \(keys.map(\.theme))::text[], \(amounts.map(\.activities))::bigint[],
                                     \(amounts.map(\.campaignActivities))::bigint[], \(amounts.map(\.participants))::bigint[])
                ON CONFLICT (unit_id, period_kind, period_key, theme) DO UPDATE SET
                    activities = t.activities + EXCLUDED.activities,
                    campaign_activities = t.campaign_activities + EXCLUDED.campaign_activities,
                    participants = t.participants + EXCLUDED.participants
                """, logger: logger)
        }
        if !pairings.isEmpty {
            let keys = pairings.keys.sorted { ($0.pairingId, $0.quarter) < ($1.pairingId, $1.quarter) }
            let amounts = keys.map { pairings[$0] ?? ActivityTallies.PairingAmounts() }
            try await connection.query(
                """
                INSERT INTO pairing_quarter AS q (pairing_id, quarter, activities, visits)
                SELECT * FROM unnest(\(keys.map(\.pairingId))::text[], \(keys.map(\.quarter))::text[], \(amounts.map(\.activities))::bigint[],
                                     \(amounts.map(\.visits))::bigint[])
                ON CONFLICT (pairing_id, quarter) DO UPDATE SET activities = q.activities + EXCLUDED.activities, visits = q.visits + EXCLUDED.visits
                """, logger: logger)
        }
    }
}
