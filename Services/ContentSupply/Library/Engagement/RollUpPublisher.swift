import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Publishes what changed since its last round: each work-site-day's engagement (`engagement-rolled-up`) and each
/// officer's points with their ranks (`officer-scored`). One replica at a time, every `KEPU_CONTENT_ROLLUP_SECONDS`,
/// so a busy work is published once a round, not once per batch.
struct RollUpPublisher {
    static let perRound = 1_000

    /// One bounded round; returns how many roll-ups and scores it published when it hit its bound (another round
    /// follows at once), else 0 (the rest waits for the next interval, which is what coalesces a busy work).
    func round(in transaction: HandlerTransaction) async throws -> Int {
        let connection = transaction.connection
        let logger = transaction.logger
        var published = 0
        let rows = try await connection.query(
            """
            SELECT e.work_id, e.site_id, to_char(e.day, 'YYYY-MM-DD'), e.views, e.completions, e.shares, e.distinct_visitors, e.flagged,
                   COALESCE(array_to_string(s.unit_path, '|'), ''), e.version
            FROM engagement_day e LEFT JOIN site s ON s.id = e.site_id
            WHERE e.version > e.published_version ORDER BY e.work_id, e.site_id, e.day LIMIT \(Self.perRound) FOR UPDATE OF e SKIP LOCKED
            """, logger: logger)
        var marked: (works: [String], sites: [String], days: [String], versions: [Int64]) = ([], [], [], [])
        for try await (work, site, day, views, completions, shares, visitors, flagged, path, version) in rows.decode(
            (String, String, String, Int64, Int64, Int64, Int64, Int64, String, Int64).self)
        {
            let rollUp = EngagementRollUp(
                workId: work, siteId: site, unitPath: path.isEmpty ? [] : path.split(separator: "|").map(String.init), day: day, views: views,
                completions: completions, shares: shares, distinctVisitors: visitors, distinctVisitorsError: VisitorSketch.standardError,
                flagged: flagged)
            transaction.emit(try ContentEvent.about("\(work)/\(site)/\(day)", kind: "engagement", ContentEventType.engagementRolledUp, rollUp))
            marked.works.append(work)
            marked.sites.append(site)
            marked.days.append(day)
            marked.versions.append(version)
            published += 1
        }
        if !marked.works.isEmpty {
            try await connection.query(
                """
                UPDATE engagement_day e SET published_version = x.v
                FROM unnest(\(marked.works)::text[], \(marked.sites)::text[], \(marked.days)::date[], \(marked.versions)::bigint[]) AS x(w, s, d, v)
                WHERE e.work_id = x.w AND e.site_id = x.s AND e.day = x.d
                """, logger: logger)
        }
        let scores = try await publishScores(in: transaction)
        return published >= Self.perRound || scores >= Self.perRound ? published + scores : 0
    }

    /// Officers whose points changed, with their ranks now (ranks of the others shift too, but are published when
    /// their own points next change; `GET /officers/rankings` is always current).
    private func publishScores(in transaction: HandlerTransaction) async throws -> Int {
        let rows = try await transaction.connection.query(
            """
            WITH changed AS (
                SELECT id FROM officer WHERE version > published_version ORDER BY id LIMIT \(Self.perRound) FOR UPDATE SKIP LOCKED
            ), ranked AS (
                SELECT o.id, o.site_id, s.unit_path, o.points, o.version,
                       rank() OVER (PARTITION BY s.unit_path[2] ORDER BY o.points DESC) AS district_rank,
                       rank() OVER (ORDER BY o.points DESC) AS city_rank
                FROM officer o JOIN site s ON s.id = o.site_id WHERE o.left_at IS NULL
            ), marked AS (
                UPDATE officer o SET published_version = o.version FROM changed c WHERE o.id = c.id RETURNING o.id
            )
            SELECT r.id, r.site_id, array_to_string(r.unit_path, '|'), r.points, r.district_rank::int, r.city_rank::int
            FROM ranked r JOIN marked m ON m.id = r.id ORDER BY r.id
            """, logger: transaction.logger)
        var count = 0
        for try await (id, site, path, points, districtRank, cityRank) in rows.decode((String, String, String, Int64, Int, Int).self) {
            let score = OfficerScore(
                officerId: id, siteId: site, unitPath: path.split(separator: "|").map(String.init), points: points, districtRank: districtRank,
                cityRank: cityRank)
            transaction.emit(try ContentEvent.about(id, kind: "officer", ContentEventType.officerScored, score))
            count += 1
        }
        return count
    }
}
