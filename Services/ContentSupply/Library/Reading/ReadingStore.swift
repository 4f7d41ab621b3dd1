import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Reading activities (outreach events of format `reading`) and what their sites report: the books used, from the
/// site's stock, and the readers. One report per activity.
struct ReadingStore {
    let logger: Logger

    func report(_ report: ReadingReported, in transaction: HandlerTransaction) async throws -> ContentRefusal? {
        let connection = transaction.connection
        guard
            let row = try await connection.query("SELECT site_id FROM reading_activity WHERE event_id = \(report.eventId)", logger: logger).collect()
                .first
        else { return ContentRefusal(.unknownEvent, "event \(report.eventId) is not a reading activity content-supply knows") }
        guard try row.decode(String.self) == report.siteId else {
            return ContentRefusal(.notReading, "event \(report.eventId) is not held at site \(report.siteId)")
        }
        let books = try report.books.map { TitleCopies(isbn: try ISBN($0.isbn).digits, copies: $0.copies) }
        let held = try await connection.query(
            """
            SELECT x.i, COALESCE(s.copies, 0) FROM unnest(\(books.map(\.isbn))::text[]) AS x(i)
            LEFT JOIN stock s ON s.site_id = \(report.siteId) AND s.isbn = x.i
            """, logger: logger
        ).collect().map { try $0.decode((String, Int).self) }
        let holding = Dictionary(held.map { ($0.0, $0.1) }) { first, _ in first }
        if let short = books.first(where: { $0.copies > holding[$0.isbn] ?? 0 }) {
            return ContentRefusal(.notInStock, "site \(report.siteId) holds \(holding[short.isbn] ?? 0) copies of \(short.isbn)")
        }
        let json = String(decoding: try JSONEncoder().encode(books), as: UTF8.self)
        let inserted = try await connection.query(
            """
            INSERT INTO reading_report (event_id, request_id, readers, books) VALUES (\(report.eventId), \(report.requestId), \(report.readers), \(json)::jsonb)
            ON CONFLICT (event_id) DO NOTHING RETURNING event_id
            """, logger: logger
        ).collect()
        guard !inserted.isEmpty else {
            let same = try await connection.query(
                "SELECT 1 FROM reading_report WHERE event_id = \(report.eventId) AND request_id = \(report.requestId)", logger: logger
            ).collect()
            return same.isEmpty ? ContentRefusal(.conflict, "event \(report.eventId) was reported already") : nil
        }
        let path =
            try await connection.query("SELECT unit_path FROM site WHERE id = \(report.siteId)", logger: logger).collect().first?.decode(
                [String].self) ?? []
        let record = ReadingRecord(eventId: report.eventId, siteId: report.siteId, unitPath: path, books: books, readers: report.readers)
        transaction.emit(try ContentEvent.about(report.eventId, kind: "event", ContentEventType.readingRecorded, record))
        return nil
    }
}

/// Why a request was not acted on: answered with `request-rejected`.
struct ContentRefusal: Error {
    var reason: ContentRejection
    var detail: String

    init(_ reason: ContentRejection, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}
