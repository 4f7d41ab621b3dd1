import KepuDomain
import PostgresNIO

extension MetricsStore {
    /// The activities among `ids` as last counted, locked until the transaction ends (in id order, so two replicas
    /// lock alike).
    func lockActivities(_ ids: [String]) async throws -> [String: ActivityState] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT event_id, unit_path, (day - date '1970-01-01'), status, format, participants, cost_fen, in_campaign, tour, ratings, rating_points
            FROM metric_activity WHERE event_id = ANY(\(ids)::text[]) ORDER BY event_id FOR UPDATE
            """, logger: logger)
        var states: [String: ActivityState] = [:]
        for try await (id, path, day, status, format, participants, cost, campaign, tour, ratings, points) in rows.decode(
            (String, [String]?, Int?, String?, String?, Int64, Int64, Bool, Bool, Int64, Int64).self)
        {
            states[id] = ActivityState(
                unitPath: path ?? [], day: day.map(ShanghaiDay.init(number:)), status: status.flatMap(ActivityEventStatus.init(rawValue:)),
                format: format.flatMap(ActivityFormat.init(rawValue:)), participants: participants, costFen: cost, inCampaign: campaign, tour: tour,
                ratings: ratings, ratingPoints: points)
        }
        return states
    }

    /// Writes the activities as now counted.
    func saveActivities(_ states: [String: ActivityState]) async throws {
        guard !states.isEmpty else { return }
        let ids = states.keys.sorted()
        let all = ids.compactMap { states[$0] }
        try await connection.query(
            """
            INSERT INTO metric_activity AS a (event_id, site_id, unit_path, day, status, format, participants, cost_fen, in_campaign, tour, ratings, rating_points)
            SELECT i, NULLIF(p[cardinality(p)], ''), NULLIF(p, '{}'), CASE WHEN h THEN date '1970-01-01' + d END, NULLIF(s, ''), NULLIF(f, ''),
                   n, c, x, t, r, q
            FROM unnest(\(ids)::text[], \(all.map { $0.unitPath.joined(separator: "|") })::text[], \(all.map { $0.day != nil })::bool[],
                        \(all.map { $0.day?.number ?? 0 })::int[], \(all.map { $0.status?.rawValue ?? "" })::text[],
                        \(all.map { $0.format?.rawValue ?? "" })::text[], \(all.map(\.participants))::bigint[], \(all.map(\.costFen))::bigint[],
                        \(all.map(\.inCampaign))::bool[], \(all.map(\.tour))::bool[], \(all.map(\.ratings))::bigint[],
                        \(all.map(\.ratingPoints))::bigint[]) AS u(i, j, h, d, s, f, n, c, x, t, r, q),
                 LATERAL (SELECT CASE WHEN j = '' THEN '{}'::text[] ELSE string_to_array(j, '|') END) AS path(p)
            ON CONFLICT (event_id) DO UPDATE SET
                site_id = EXCLUDED.site_id, unit_path = EXCLUDED.unit_path, day = EXCLUDED.day, status = EXCLUDED.status, format = EXCLUDED.format,
                participants = EXCLUDED.participants, cost_fen = EXCLUDED.cost_fen, in_campaign = EXCLUDED.in_campaign, tour = EXCLUDED.tour,
                ratings = EXCLUDED.ratings, rating_points = EXCLUDED.rating_points
            """, logger: logger)
    }
}
