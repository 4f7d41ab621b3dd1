import Foundation
import Hummingbird
import KepuDomain
import PostgresNIO

/// A volunteer put forward as an advanced individual (先进个人): their verified hours in the period and the highest
/// star level reached. Ids only: names and contacts stay in the volunteer service.
struct NominatedVolunteer: Encodable, Equatable {
    let volunteer: String
    let verifiedHours: Double
    let starLevel: Int?
    let unitPath: [String]

    enum CodingKeys: String, CodingKey { case volunteer, verifiedHours, starLevel, unitPath }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(volunteer, forKey: .volunteer)
        try container.encode(verifiedHours, forKey: .verifiedHours)
        try container.encode(starLevel, forKey: .starLevel)
        try container.encode(unitPath, forKey: .unitPath)
    }
}

/// `GET /api/nominations`: the nomination list of a period under a unit: demonstration communities (示范社区) by
/// recognition score, and advanced individuals by verified hours, then star level.
struct Nominations: ResponseEncodable {
    let unit: String
    let period: PeriodInfo
    let communities: [RankedUnit]
    let volunteers: [NominatedVolunteer]
}

extension KPIQueries {
    /// The volunteers living under `unit` with the most verified minutes in `period` (month, year or phase).
    func topVolunteers(under unit: String, period: ReportingPeriod, limit: Int) async throws -> [NominatedVolunteer] {
        let rows = try await client.query(
            """
            SELECT t.volunteer_id, t.verified_minutes, s.level, coalesce(array_to_string(t.unit_path, '|'), '')
            FROM volunteer_tally t LEFT JOIN volunteer_star s ON s.volunteer_id = t.volunteer_id
            WHERE t.period_kind = \(period.kind.rawValue) AND t.period_key = \(period.key) AND t.verified_minutes > 0
              AND \(unit) = ANY(t.unit_path)
            ORDER BY t.verified_minutes DESC, s.level DESC NULLS LAST, t.volunteer_id
            LIMIT \(limit)
            """, logger: logger)
        var result: [NominatedVolunteer] = []
        for try await (id, minutes, level, path) in rows.decode((String, Int64, Int?, String).self) {
            result.append(
                NominatedVolunteer(
                    volunteer: id, verifiedHours: Double(minutes) / 60, starLevel: level, unitPath: path.split(separator: "|").map(String.init)))
        }
        return result
    }
}
