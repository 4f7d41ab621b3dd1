import Foundation
import KepuDomain
import PostgresNIO

/// A unit's activities of one theme in a period.
struct ThemeTally: Encodable, Equatable, Sendable {
    let theme: String
    let activities: Int64
    let campaignActivities: Int64
    let participants: Int64
}

/// A pairing (结对共建) and, for each quarter of a period it ran in, whether it held what it promised.
struct PairingCommitmentsMet: Encodable, Equatable, Sendable {
    struct Quarter: Encodable, Equatable, Sendable {
        let quarter: String
        let activities: Int64
        let visits: Int64
        let met: Bool
    }

    let pairing: String
    let base: String
    let partner: String?
    let activitiesPerQuarter: Int
    let visitsPerQuarter: Int
    let quarters: [Quarter]
}

extension KPIQueries {
    /// The unit's activities by theme in `period` (kept for the city, districts and streets, by month and longer),
    /// the most first.
    func themes(unit: String, period: ReportingPeriod) async throws -> [ThemeTally] {
        let rows = try await client.query(
            """
            SELECT theme, activities, campaign_activities, participants FROM activity_theme_tally
            WHERE unit_id = \(unit) AND period_kind = \(period.kind.rawValue) AND period_key = \(period.key) AND activities <> 0
            ORDER BY activities DESC, theme LIMIT 200
            """, logger: logger)
        var result: [ThemeTally] = []
        for try await (theme, activities, campaign, participants) in rows.decode((String, Int64, Int64, Int64).self) {
            result.append(ThemeTally(theme: theme, activities: activities, campaignActivities: campaign, participants: participants))
        }
        return result
    }

    /// The pairings whose base is under `unit`, active with commitments, each judged in every quarter of `period`
    /// that falls within its term (`from`...`until`).
    func pairingCommitments(under unit: String, period: ReportingPeriod) async throws -> [PairingCommitmentsMet] {
        guard let days = period.days else { return [] }
        var quarters: [ReportingPeriod] = []
        var day = days.lowerBound
        while day <= days.upperBound {
            if let quarter = ReportingPeriod.containing(day).first(where: { $0.kind == .quarter }), quarters.last != quarter {
                quarters.append(quarter)
            }
            day = day.advanced(by: 1)
        }
        let rows = try await client.query(
            """
            SELECT id, state->>'partnerId', state->>'from', state->>'until', (state->>'activitiesPerQuarter')::int,
                   (state->>'visitsPerQuarter')::int, coalesce(state->'unitPath'->>-1, '')
            FROM metric_state
            WHERE kind = 'pairing' AND (state->>'active')::boolean AND state ? 'activitiesPerQuarter'
              AND state->'unitPath' @> jsonb_build_array(\(unit)::text)
            ORDER BY id LIMIT 2000
            """, logger: logger)
        struct Pairing {
            let id: String
            let partner: String?
            let term: ClosedRange<ShanghaiDay>?
            let activities, visits: Int
            let base: String
        }
        var pairings: [Pairing] = []
        for try await (id, partner, from, until, activities, visits, base) in rows.decode(
            (String, String?, String?, String?, Int?, Int?, String).self)
        {
            let term = from.flatMap(ShanghaiDay.init).flatMap { start in until.flatMap(ShanghaiDay.init).map { start...max(start, $0) } }
            pairings.append(Pairing(id: id, partner: partner, term: term, activities: activities ?? 0, visits: visits ?? 0, base: base))
        }
        guard !pairings.isEmpty else { return [] }
        let tallies = try await client.query(
            """
            SELECT pairing_id, quarter, activities, visits FROM pairing_quarter
            WHERE pairing_id = ANY(\(pairings.map(\.id))::text[]) AND quarter = ANY(\(quarters.map(\.key))::text[])
            """, logger: logger)
        var held: [String: (Int64, Int64)] = [:]
        for try await (pairing, quarter, activities, visits) in tallies.decode((String, String, Int64, Int64).self) {
            held["\(pairing)|\(quarter)"] = (activities, visits)
        }
        return pairings.map { pairing in
            let due = quarters.filter { quarter in
                guard let span = quarter.days, let term = pairing.term else { return false }
                return span.overlaps(term)
            }
            return PairingCommitmentsMet(
                pairing: pairing.id, base: pairing.base, partner: pairing.partner, activitiesPerQuarter: pairing.activities,
                visitsPerQuarter: pairing.visits,
                quarters: due.map { quarter in
                    let (activities, visits) = held["\(pairing.id)|\(quarter.key)"] ?? (0, 0)
                    return PairingCommitmentsMet.Quarter(
                        quarter: quarter.key, activities: activities, visits: visits,
                        met: activities >= Int64(pairing.activities) && visits >= Int64(pairing.visits))
                })
        }
    }
}
