import Foundation
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// Engagement as the handler writes it: a batch's work-site-days in three set-based statements, officers' points in
/// one.
struct EngagementStore {
    let connection: PostgresConnection
    let logger: Logger

    func add(_ fold: EngagementFold) async throws {
        guard !fold.deltas.isEmpty else { return }
        let keys = lockOrder(fold.deltas.keys) { $0.stableHash }
        let works = keys.map(\.workId)
        let sites = keys.map(\.siteId)
        let days = keys.map(\.day.number)
        // Rows first (so replicas folding the same work-site-day lock one row), then locked in one order, so two
        // batches cannot deadlock and neither loses the other's visitors.
        try await connection.query(
            """
            INSERT INTO engagement_day (work_id, site_id, day, visitors)
            SELECT w, s, date '1970-01-01' + d, '\\x00'::bytea FROM unnest(\(works)::text[], \(sites)::text[], \(days)::int[]) AS x(w, s, d)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        let rows = try await connection.query(
            """
            SELECT e.work_id, e.site_id, (e.day - date '1970-01-01'), e.visitors FROM engagement_day e
            JOIN unnest(\(works)::text[], \(sites)::text[], \(days)::int[]) WITH ORDINALITY AS x(w, s, d, n)
              ON e.work_id = x.w AND e.site_id = x.s AND e.day = date '1970-01-01' + x.d
            ORDER BY x.n FOR UPDATE OF e
            """, logger: logger)
        var sketches: [WorkSiteDay: VisitorSketch] = [:]
        for try await (work, site, day, visitors) in rows.decode((String, String, Int, ByteBuffer).self) {
            sketches[WorkSiteDay(workId: work, siteId: site, day: ShanghaiDay(number: day))] = VisitorSketch(
                bytes: visitors.readableBytesView)
        }
        var grown: [Int: (bytes: [UInt8], estimate: Int64)] = [:]
        for (index, key) in keys.enumerated() {
            guard let delta = fold.deltas[key], !delta.visitors.isEmpty else { continue }
            var sketch = sketches[key] ?? VisitorSketch()
            if sketch.insert(hashes: delta.visitors) { grown[index] = (sketch.bytes, sketch.estimate) }
        }
        // One update for every row: the counters add up; a sketch that grew is replaced (the row is locked).
        let deltas = keys.map { fold.deltas[$0] ?? EngagementFold.Delta() }
        var sketchBytes = ByteBuffer()
        var offsets: [Int32] = []
        var lengths: [Int32] = []
        for index in keys.indices {
            let bytes = grown[index]?.bytes ?? []
            offsets.append(Int32(sketchBytes.writerIndex))
            lengths.append(Int32(bytes.count))
            sketchBytes.writeBytes(bytes)
        }
        try await connection.query(
            """
            UPDATE engagement_day e
            SET views = e.views + x.v, completions = e.completions + x.c, shares = e.shares + x.sh, flagged = e.flagged + x.f,
                visitors = CASE WHEN x.l > 0 THEN substring(\(sketchBytes)::bytea FROM x.o + 1 FOR x.l) ELSE e.visitors END,
                distinct_visitors = CASE WHEN x.l > 0 THEN x.dv ELSE e.distinct_visitors END,
                version = e.version + 1
            FROM unnest(\(works)::text[], \(sites)::text[], \(days)::int[], \(deltas.map(\.views))::bigint[], \(deltas.map(\.completions))::bigint[],
                        \(deltas.map(\.shares))::bigint[], \(deltas.map(\.flagged))::bigint[], \(offsets)::int[], \(lengths)::int[],
                        \(keys.indices.map { grown[$0]?.estimate ?? 0 })::bigint[]) AS x(w, s, d, v, c, sh, f, o, l, dv)
            WHERE e.work_id = x.w AND e.site_id = x.s AND e.day = date '1970-01-01' + x.d
            """, logger: logger)
        guard !fold.points.isEmpty else { return }
        let officers = fold.points.keys.sorted()
        // Views naming an officer who is not on a roster bring no points.
        try await connection.query(
            """
            UPDATE officer o SET points = o.points + x.p, version = o.version + 1
            FROM unnest(\(officers)::text[], \(officers.map { fold.points[$0] ?? 0 })::bigint[]) AS x(id, p) WHERE o.id = x.id
            """, logger: logger)
    }
}
