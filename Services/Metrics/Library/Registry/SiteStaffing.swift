import Foundation
import KepuDomain
import KepuRuntime
import PostgresNIO

/// A site's place in staffing coverage (三(一), 三级组织体系: staff in every center, institute and station): whether
/// it is an active practice site of those kinds, and whether it is staffed (one of them with at least one active
/// member of staff). A level: its growth is counted where and when either changed, so summed over every day up to a
/// day it gives the coverage then (`staffed_sites` / `practice_sites`), as `/api/staffing` reads it from the tables.
struct SiteStaffing: CountedState {
    static let kind = "site_staffing"
    static let counting = StateCounting.accrues

    var unitPath: [String] = []
    var day: ShanghaiDay?
    var practice = false
    var staffed = false

    /// The site as it now stands; the day moves only when what counts (or where) changes, so a site read again
    /// changes nothing.
    mutating func update(practice: Bool, staffed: Bool, unitPath: [String], on day: ShanghaiDay) {
        guard practice != self.practice || staffed != self.staffed || unitPath != self.unitPath else { return }
        (self.practice, self.staffed, self.unitPath, self.day) = (practice, staffed, unitPath, day)
    }

    var counts: [KPI: Int64] {
        var counts: [KPI: Int64] = [:]
        if practice { counts[.practiceSites] = 1 }
        if staffed { counts[.staffedSites] = 1 }
        return counts
    }

    /// The kinds of site the plan staffs.
    static let staffedKinds: [SiteKind] = [.center, .institute, .station]
}

extension MetricsStore {
    /// Folds the staffing of `sites` as the registry and the staff tables now have them, on `day`, in the caller's
    /// transaction. The registry's and outreach's consumers both fold a site, so each takes the site's lock first (an
    /// advisory lock, which holds for a site with no state yet), in key order, and reads the tables after it: the
    /// second sees what the first committed. A place that is not a registered site counts nothing.
    func foldSiteStaffing(_ sites: Set<String>, on day: ShanghaiDay, into counters: inout CounterChanges) async throws {
        guard !sites.isEmpty else { return }
        let ids = sites.sorted()
        let keys = ids.map { AdvisoryLock.key(named: "\(SiteStaffing.kind):\($0)") }.sorted()
        try await connection.query("SELECT pg_advisory_xact_lock(k) FROM unnest(\(keys)::bigint[]) AS x(k) ORDER BY k", logger: logger)
        let rows = try await connection.query(
            """
            SELECT s.site_id, s.active AND s.kind = ANY(\(SiteStaffing.staffedKinds.map(\.rawValue))::text[]),
                   EXISTS (SELECT 1 FROM metric_staff f WHERE f.place_id = s.site_id AND f.active),
                   coalesce(array_to_string(u.path, '|'), '')
            FROM metric_site s LEFT JOIN metric_unit u ON u.unit_id = s.site_id
            WHERE s.site_id = ANY(\(ids)::text[])
            """, logger: logger)
        var changes: [(id: String, change: (inout SiteStaffing) -> Void)] = []
        for try await (site, practice, hasStaff, path) in rows.decode((String, Bool, Bool, String).self) {
            let unitPath = path.isEmpty ? [] : path.split(separator: "|").map(String.init)
            changes.append((site, { $0.update(practice: practice, staffed: practice && hasStaff, unitPath: unitPath, on: day) }))
        }
        try await fold(changes, into: &counters)
    }
}
