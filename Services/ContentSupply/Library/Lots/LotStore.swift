import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Donated lots: recorded and planned by `AllocationRule`, approved (district scope), shipped, received by each site
/// (discrepancies recorded), and the copies that arrived whole put in stock. Every step is one transaction that
/// emits the lot's record; the database keeps a lot from being allocated beyond its copies (`never_beyond_the_copies`)
/// and stock from going negative (`never_negative`).
struct LotStore {
    let logger: Logger

    /// The sites books are shared among: active practice centers, institutes and stations.
    static let receivingKinds: [SiteKind] = [.center, .institute, .station]

    /// The district's path (city, district), from the sites the registry has in it.
    func districtPath(_ districtId: String, client: PostgresClient) async throws -> [String]? {
        try await client.query(
            "SELECT unit_path[1:2] FROM site WHERE unit_path[2] = \(districtId) LIMIT 1", logger: logger
        ).collect().first?.decode([String].self)
    }

    func lotPath(_ lotId: String, client: PostgresClient) async throws -> [String]? {
        try await client.query("SELECT unit_path FROM lot WHERE id = \(lotId)", logger: logger).collect().first?.decode([String].self)
    }

    func lotPath(_ lotId: String, on connection: PostgresConnection) async throws -> [String]? {
        try await connection.query("SELECT unit_path FROM lot WHERE id = \(lotId)", logger: logger).collect().first?.decode([String].self)
    }

    /// Records a lot (or replaces a planned one) and plans it.
    func record(_ lotId: String, _ input: LotInput, path: [String], in transaction: HandlerTransaction) async throws {
        let connection = transaction.connection
        let titles = try input.titles.map { TitleCopies(isbn: try ISBN($0.isbn).digits, copies: $0.copies) }
        let unknown = try await connection.query(
            "SELECT i FROM unnest(\(titles.map(\.isbn))::text[]) AS i WHERE NOT EXISTS (SELECT 1 FROM book WHERE isbn = i) ORDER BY i", logger: logger
        ).collect().map { try $0.decode(String.self) }
        guard unknown.isEmpty else { throw APIError(.unprocessableContent, "not on the catalogue: \(unknown.joined(separator: ", "))") }
        let status = try await connection.query("SELECT status FROM lot WHERE id = \(lotId) FOR UPDATE", logger: logger).collect().first?
            .decode(LotStatus.self)
        if let status, status != .planned { throw APIError.conflict("lot \(lotId) is \(status.rawValue): only a planned lot changes") }
        try await connection.query("DELETE FROM allocation WHERE lot_id = \(lotId)", logger: logger)
        try await connection.query("DELETE FROM lot_title WHERE lot_id = \(lotId)", logger: logger)
        try await connection.query(
            """
            INSERT INTO lot (id, district_id, unit_path, donor, status, minimum_per_site)
            VALUES (\(lotId), \(input.districtId), \(path), \(input.donor), 'planned', \(input.minimumPerSite))
            ON CONFLICT (id) DO UPDATE SET district_id = EXCLUDED.district_id, unit_path = EXCLUDED.unit_path, donor = EXCLUDED.donor,
                minimum_per_site = EXCLUDED.minimum_per_site
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO lot_title (lot_id, isbn, copies) SELECT \(lotId), i, c FROM unnest(\(titles.map(\.isbn))::text[], \(titles.map(\.copies))::int[]) AS x(i, c)
            """, logger: logger)
        try await plan(lotId, districtId: input.districtId, titles: titles, minimumPerSite: input.minimumPerSite, on: connection)
        try await publish(lotId, in: transaction)
    }

    /// The plan: per title, `AllocationRule` over the district's receiving sites, their populations, the unmet
    /// needs surveyed in their units, and what they received of the title before.
    private func plan(_ lotId: String, districtId: String, titles: [TitleCopies], minimumPerSite: Int, on connection: PostgresConnection) async throws
    {
        let rows = try await connection.query(
            """
            SELECT s.id, COALESCE(s.population, 0),
                   LEAST(COALESCE((SELECT sum(n.unmet_people) FROM reading_need n WHERE n.unit_id = s.unit_id), 0), 1000000000)::int
            FROM site s WHERE s.active AND s.unit_path[2] = \(districtId) AND s.kind = ANY(\(Self.receivingKinds.map(\.rawValue))::text[])
            ORDER BY s.id
            """, logger: logger
        ).collect()
        let sites = try rows.map { try $0.decode((String, Int, Int).self) }
        guard !sites.isEmpty else { throw APIError(.unprocessableContent, "district \(districtId) has no active center, institute or station") }
        // What each site had of each title from other lots: what arrived whole, or what is on its way.
        let history = try await connection.query(
            """
            SELECT a.site_id, a.isbn, sum(COALESCE(a.received - a.damaged, a.copies))::int FROM allocation a JOIN lot l ON l.id = a.lot_id
            WHERE a.lot_id <> \(lotId) AND l.status <> 'planned' AND a.isbn = ANY(\(titles.map(\.isbn))::text[]) GROUP BY a.site_id, a.isbn
            """, logger: logger
        ).collect()
        var had: [String: Int] = [:]
        for row in history {
            let (site, isbn, copies) = try row.decode((String, String, Int).self)
            had["\(site)|\(isbn)"] = copies
        }
        var lots: [String] = []
        var isbns: [String] = []
        var siteIds: [String] = []
        var copies: [Int] = []
        var explanations: [String] = []
        for title in titles {
            let shares = AllocationRule.allocate(
                copies: title.copies,
                to: sites.map {
                    AllocationRule.Site(siteId: $0.0, population: $0.1, surveyedReaders: $0.2, received: had["\($0.0)|\(title.isbn)"] ?? 0)
                },
                minimumPerSite: minimumPerSite)
            for share in shares {
                lots.append(lotId)
                isbns.append(title.isbn)
                siteIds.append(share.siteId)
                copies.append(share.copies)
                explanations.append(share.explanation)
            }
        }
        try await connection.query(
            """
            INSERT INTO allocation (lot_id, isbn, site_id, copies, explanation)
            SELECT * FROM unnest(\(lots)::text[], \(isbns)::text[], \(siteIds)::text[], \(copies)::int[], \(explanations)::text[])
            """, logger: logger)
    }

    /// Moves a lot on one step: planned → approved (by whom), approved → shipped.
    func advance(_ lotId: String, to next: LotStatus, by subject: String, in transaction: HandlerTransaction) async throws {
        let from: LotStatus = next == .approved ? .planned : .approved
        let moved = try await transaction.connection.query(
            """
            UPDATE lot SET status = \(next.rawValue),
                approved_by = CASE WHEN \(next.rawValue) = 'approved' THEN \(subject) ELSE approved_by END,
                approved_at = CASE WHEN \(next.rawValue) = 'approved' THEN now() ELSE approved_at END,
                shipped_at = CASE WHEN \(next.rawValue) = 'shipped' THEN now() ELSE shipped_at END
            WHERE id = \(lotId) AND status = \(from.rawValue) RETURNING id
            """, logger: logger
        ).collect()
        guard !moved.isEmpty else { throw APIError.conflict("lot \(lotId) is not \(from.rawValue)") }
        try await publish(lotId, in: transaction)
    }

    /// A site's receipt: each title's arrivals against what was shipped to it (shortage, surplus and damage
    /// recorded), and the copies that arrived whole added to its stock. Once per site and lot.
    func receive(_ lotId: String, _ input: ReceiptInput, by subject: String, in transaction: HandlerTransaction) async throws {
        let connection = transaction.connection
        let status = try await connection.query("SELECT status FROM lot WHERE id = \(lotId) FOR UPDATE", logger: logger).collect().first?
            .decode(LotStatus.self)
        guard status == .shipped else { throw APIError.conflict("lot \(lotId) is not shipped") }
        let lines = try input.titles.map { (isbn: try ISBN($0.isbn).digits, received: $0.received, damaged: $0.damaged) }
        let shipped = try await connection.query(
            "SELECT isbn, copies, received IS NOT NULL FROM allocation WHERE lot_id = \(lotId) AND site_id = \(input.siteId) FOR UPDATE",
            logger: logger
        ).collect().map { try $0.decode((String, Int, Bool).self) }
        guard !shipped.isEmpty else { throw APIError(.unprocessableContent, "lot \(lotId) has nothing for site \(input.siteId)") }
        guard !shipped.contains(where: \.2) else { throw APIError.conflict("site \(input.siteId) reported this lot's receipt already") }
        let expected = Dictionary(uniqueKeysWithValues: shipped.map { ($0.0, $0.1) })
        let byTitle = Dictionary(uniqueKeysWithValues: lines.map { ($0.isbn, $0) })
        if let stray = lines.first(where: { expected[$0.isbn] == nil }) {
            throw APIError(.unprocessableContent, "lot \(lotId) shipped no \(stray.isbn) to site \(input.siteId)")
        }
        // A title left out of the receipt arrived not at all.
        let all = expected.keys.sorted().map { isbn in byTitle[isbn] ?? (isbn: isbn, received: 0, damaged: 0) }
        var discrepancies: [(isbn: String, kind: DiscrepancyKind, copies: Int)] = []
        for line in all {
            let copies = expected[line.isbn] ?? 0
            if line.received < copies { discrepancies.append((line.isbn, .shortage, copies - line.received)) }
            if line.received > copies { discrepancies.append((line.isbn, .surplus, line.received - copies)) }
            if line.damaged > 0 { discrepancies.append((line.isbn, .damage, line.damaged)) }
        }
        let kinds = discrepancies.map(\.kind.rawValue)
        let discrepancyTitles = discrepancies.map(\.isbn)
        let counts = discrepancies.map(\.copies)
        try await connection.query(
            """
            UPDATE allocation a SET received = x.r, damaged = x.d
            FROM unnest(\(all.map(\.isbn))::text[], \(all.map(\.received))::int[], \(all.map(\.damaged))::int[]) AS x(i, r, d)
            WHERE a.lot_id = \(lotId) AND a.site_id = \(input.siteId) AND a.isbn = x.i
            """, logger: logger)
        if !kinds.isEmpty {
            try await connection.query(
                """
                INSERT INTO discrepancy (lot_id, isbn, site_id, kind, copies, recorded_by)
                SELECT \(lotId), i, \(input.siteId), k, c, \(subject) FROM unnest(\(discrepancyTitles)::text[], \(kinds)::text[], \(counts)::int[]) AS x(i, k, c)
                """, logger: logger)
        }
        let whole = all.filter { $0.received - $0.damaged > 0 }
        try await StockStore(logger: logger).add(
            site: input.siteId, copies: Dictionary(uniqueKeysWithValues: whole.map { ($0.isbn, $0.received - $0.damaged) }), in: transaction)
        try await connection.query(
            """
            UPDATE lot SET status = 'received' WHERE id = \(lotId)
              AND NOT EXISTS (SELECT 1 FROM allocation WHERE lot_id = \(lotId) AND copies > 0 AND received IS NULL)
            """, logger: logger)
        try await publish(lotId, in: transaction)
    }

    func view(_ lotId: String, on connection: PostgresConnection) async throws -> LotView? {
        guard
            let row = try await connection.query(
                "SELECT district_id, donor, status, minimum_per_site FROM lot WHERE id = \(lotId)", logger: logger
            ).collect().first
        else { return nil }
        let (district, donor, status, minimum) = try row.decode((String, String, LotStatus, Int).self)
        let titles = try await connection.query("SELECT isbn, copies FROM lot_title WHERE lot_id = \(lotId) ORDER BY isbn", logger: logger).collect()
            .map { row in
                let (isbn, copies) = try row.decode((String, Int).self)
                return TitleCopies(isbn: isbn, copies: copies)
            }
        let allocations = try await connection.query(
            "SELECT site_id, isbn, copies, explanation, received, damaged FROM allocation WHERE lot_id = \(lotId) ORDER BY isbn, site_id",
            logger: logger
        ).collect().map { row in
            let (site, isbn, copies, explanation, received, damaged) = try row.decode((String, String, Int, String, Int?, Int?).self)
            return AllocationView(siteId: site, isbn: isbn, copies: copies, explanation: explanation, received: received, damaged: damaged)
        }
        let discrepancies = try await connection.query(
            "SELECT site_id, isbn, kind, copies FROM discrepancy WHERE lot_id = \(lotId) ORDER BY site_id, isbn, kind", logger: logger
        ).collect().map { row in
            let (site, isbn, kind, copies) = try row.decode((String, String, DiscrepancyKind, Int).self)
            return DiscrepancyView(siteId: site, isbn: isbn, kind: kind, copies: copies)
        }
        return LotView(
            id: lotId, districtId: district, donor: donor, status: status, minimumPerSite: minimum, titles: titles, allocations: allocations,
            discrepancies: discrepancies)
    }

    /// `lot-recorded` with the lot as it now stands (its donor left out).
    private func publish(_ lotId: String, in transaction: HandlerTransaction) async throws {
        guard let view = try await view(lotId, on: transaction.connection),
            let path = try await lotPath(lotId, on: transaction.connection)
        else { return }
        let record = LotRecord(
            lotId: lotId, unitPath: path, status: view.status, titles: view.titles,
            allocations: view.allocations.map { LotAllocation(siteId: $0.siteId, isbn: $0.isbn, copies: $0.copies) })
        transaction.emit(try ContentEvent.about(lotId, kind: "lot", ContentEventType.lotRecorded, record))
    }
}
