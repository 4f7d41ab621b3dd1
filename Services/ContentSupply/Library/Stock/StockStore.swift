import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Copies at each site: what arrived whole from lots, and lent to residents (loan and return). `never_negative`
/// holds in the database whatever runs at once: a loan takes a copy only if one is on the shelf, in one statement.
struct StockStore {
    let logger: Logger

    /// Adds copies (by ISBN) to a site's stock and publishes the new counts.
    func add(site: String, copies: [String: Int], in transaction: HandlerTransaction) async throws {
        guard !copies.isEmpty else { return }
        let isbns = copies.keys.sorted()
        let rows = try await transaction.connection.query(
            """
            INSERT INTO stock AS s (site_id, isbn, copies)
            SELECT \(site), i, c FROM unnest(\(isbns)::text[], \(isbns.map { copies[$0] ?? 0 })::int[]) AS x(i, c)
            ON CONFLICT (site_id, isbn) DO UPDATE SET copies = s.copies + EXCLUDED.copies
            RETURNING isbn, copies, on_loan
            """, logger: logger
        ).collect()
        let path = try await unitPath(site, in: transaction)
        for row in rows { try publish(site: site, path: path, try row.decode((String, Int, Int).self), in: transaction) }
    }

    /// Lends a copy: refused when none is on the shelf.
    func lend(
        loanId: String, site: String, isbn: String, borrower: String, phone: String?, dueOn: ShanghaiDay, in transaction: HandlerTransaction
    ) async throws {
        let connection = transaction.connection
        let taken = try await connection.query(
            """
            UPDATE stock SET on_loan = on_loan + 1 WHERE site_id = \(site) AND isbn = \(isbn) AND on_loan < copies RETURNING isbn, copies, on_loan
            """, logger: logger
        ).collect()
        guard let row = taken.first else { throw APIError.conflict("site \(site) has no copy of \(isbn) on the shelf") }
        let inserted = try await connection.query(
            """
            INSERT INTO loan (id, site_id, isbn, borrower, borrower_phone, due_on)
            VALUES (\(loanId), \(site), \(isbn), \(borrower), \(phone), date '1970-01-01' + \(dueOn.number)::int)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger
        ).collect()
        guard !inserted.isEmpty else { throw APIError.conflict("loan \(loanId) exists") }
        try publish(site: site, path: try await unitPath(site, in: transaction), try row.decode((String, Int, Int).self), in: transaction)
    }

    /// Takes a lent copy back; a loan returned already is left as it is.
    func giveBack(loanId: String, in transaction: HandlerTransaction) async throws {
        let connection = transaction.connection
        let returned = try await connection.query(
            "UPDATE loan SET returned_at = now() WHERE id = \(loanId) AND returned_at IS NULL RETURNING site_id, isbn", logger: logger
        ).collect()
        guard let row = returned.first else { return }
        let (site, isbn) = try row.decode((String, String).self)
        let counts = try await connection.query(
            "UPDATE stock SET on_loan = on_loan - 1 WHERE site_id = \(site) AND isbn = \(isbn) RETURNING isbn, copies, on_loan", logger: logger
        ).collect()
        if let counts = counts.first {
            try publish(site: site, path: try await unitPath(site, in: transaction), try counts.decode((String, Int, Int).self), in: transaction)
        }
    }

    private func unitPath(_ site: String, in transaction: HandlerTransaction) async throws -> [String] {
        try await transaction.connection.query("SELECT unit_path FROM site WHERE id = \(site)", logger: logger).collect().first?.decode(
            [String].self) ?? []
    }

    /// `stock-changed` with a title's counts at the site (whose unit path is `path`).
    private func publish(site: String, path: [String], _ counts: (String, Int, Int), in transaction: HandlerTransaction) throws {
        let record = StockRecord(siteId: site, unitPath: path, isbn: counts.0, copies: counts.1, onLoan: counts.2)
        transaction.emit(try ContentEvent.about(site, kind: "site", ContentEventType.stockChanged, record))
    }
}
