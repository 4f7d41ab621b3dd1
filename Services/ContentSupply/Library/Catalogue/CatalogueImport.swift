import Foundation
import Hummingbird
import KepuCSV
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// The catalogue's CSV import (as the registry's): every row checked and reported; a file with any problem is not
/// applied; a dry run reports what would change. Columns: `kind` (`book` or `work`), `id` (an ISBN, or a work's id),
/// `title`, `authors` (`;`-separated), `category`, `age_band`, `publisher` (books), `type`, `theme`, `url` (works).
enum CatalogueImport {
    static let columns = ["kind", "id", "title", "authors", "category", "age_band", "publisher", "type", "theme", "url"]
    static let maximumRows = 100_000

    enum Outcome: String, Codable, Sendable {
        case create, change, unchanged, invalid
    }

    struct Problem: Error, Codable, Sendable, Hashable {
        var field: String?
        var message: String
    }

    struct RowResult: Codable, Sendable {
        var row: Int
        var id: String
        var outcome: Outcome
        var problems: [Problem]?
    }

    struct Summary: Codable, Sendable {
        var rows = 0
        var invalidRows = 0
        var created = 0
        var changed = 0
        var unchanged = 0
    }

    struct Report: ResponseEncodable, Sendable {
        var dryRun: Bool
        var applied: Bool
        var summary: Summary
        var rows: [RowResult]
    }

    /// A checked row: a book or a work.
    enum Entry: Sendable {
        case book(ISBN, BookInput)
        case work(String, WorkInput)

        var key: String {
            switch self {
            case .book(let isbn, _): "book:\(isbn.digits)"
            case .work(let id, _): "work:\(id)"
            }
        }
    }

    /// Checks one row as the admin API checks a body.
    static func entry(_ row: CSVTable.Row) -> Result<Entry, Problem> {
        guard !row.malformed else {
            return .failure(
                Problem(field: nil, message: "has \(row.columns.count) columns, \(columns.count) expected (\(columns.joined(separator: ",")))"))
        }
        let value = Dictionary(uniqueKeysWithValues: zip(columns, row.columns))
        func text(_ name: String) -> String { value[name] ?? "" }
        do {
            switch text("kind") {
            case "book":
                let isbn: ISBN
                do { isbn = try ISBN(text("id")) } catch { return .failure(Problem(field: "id", message: "is not an ISBN: \(error)")) }
                guard let category = BookCategory(rawValue: text("category")) else {
                    return .failure(
                        Problem(field: "category", message: "is not one of \(BookCategory.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                guard let age = AgeBand(rawValue: text("age_band")) else {
                    return .failure(Problem(field: "age_band", message: "is not one of \(AgeBand.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                let authors = text("authors").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let input = BookInput(title: text("title"), authors: authors, category: category, ageBand: age, publisher: text("publisher"))
                try input.validate()
                return .success(.book(isbn, input))
            case "work":
                try FieldLimit.check(text("id"), "id", max: FieldLimit.identifier)
                guard let type = WorkType(rawValue: text("type")) else {
                    return .failure(Problem(field: "type", message: "is not one of \(WorkType.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                let input = WorkInput(title: text("title"), type: type, theme: text("theme"), url: text("url"))
                try input.validate()
                return .success(.work(text("id"), input))
            default:
                return .failure(Problem(field: "kind", message: "is neither book nor work"))
            }
        } catch {
            return .failure(Problem(field: error.field, message: error.problem))
        }
    }
}

extension CatalogueStore {
    /// Checks every row, and applies them in one transaction when none has a problem and it is not a dry run.
    func importRows(_ rows: [CSVTable.Row], dryRun: Bool) async throws -> CatalogueImport.Report {
        var results: [CatalogueImport.RowResult] = []
        var entries: [(Int, CatalogueImport.Entry)] = []
        var seen: Set<String> = []
        var summary = CatalogueImport.Summary(rows: rows.count)
        for row in rows {
            let id = String((row.columns.count > 1 ? row.columns[1] : "").prefix(FieldLimit.identifier))
            switch CatalogueImport.entry(row) {
            case .failure(let problem):
                results.append(.init(row: row.number, id: id, outcome: .invalid, problems: [problem]))
            case .success(let entry):
                guard seen.insert(entry.key).inserted else {
                    results.append(
                        .init(row: row.number, id: id, outcome: .invalid, problems: [.init(field: "id", message: "appears twice in the file")]))
                    continue
                }
                entries.append((results.count, entry))
                results.append(.init(row: row.number, id: id, outcome: .create, problems: nil))
            }
        }
        summary.invalidRows = results.filter { $0.outcome == .invalid }.count
        let apply = summary.invalidRows == 0 && !dryRun
        try await client.withTransaction(logger: logger) { connection in
            for (index, entry) in entries {
                let outcome = try await self.write(entry, apply: apply, on: connection)
                results[index].outcome = outcome
                switch outcome {
                case .create: summary.created += 1
                case .change: summary.changed += 1
                case .unchanged: summary.unchanged += 1
                case .invalid: break
                }
            }
        }
        return CatalogueImport.Report(dryRun: dryRun, applied: apply, summary: summary, rows: results)
    }

    /// What a row does to the catalogue (and does it, when `apply`).
    private func write(_ entry: CatalogueImport.Entry, apply: Bool, on connection: PostgresConnection) async throws -> CatalogueImport.Outcome {
        let existing: [PostgresRow]
        let same: Bool
        switch entry {
        case .book(let isbn, let input):
            existing = try await connection.query(
                "SELECT title, authors, category, age_band, publisher FROM book WHERE isbn = \(isbn.digits)", logger: logger
            ).collect()
            same =
                try existing.first.map { try $0.decode((String, [String], BookCategory, AgeBand, String).self) }.map {
                    $0 == (input.title, input.authors, input.category, input.ageBand, input.publisher)
                } ?? false
            if apply && !same {
                try await connection.query(
                    """
                    INSERT INTO book (isbn, title, authors, category, age_band, publisher)
                    VALUES (\(isbn.digits), \(input.title), \(input.authors), \(input.category), \(input.ageBand), \(input.publisher))
                    ON CONFLICT (isbn) DO UPDATE SET title = EXCLUDED.title, authors = EXCLUDED.authors, category = EXCLUDED.category,
                        age_band = EXCLUDED.age_band, publisher = EXCLUDED.publisher, updated_at = now()
                    """, logger: logger)
            }
        case .work(let id, let input):
            existing = try await connection.query("SELECT title, type, theme, url FROM work WHERE id = \(id)", logger: logger).collect()
            same =
                try existing.first.map { try $0.decode((String, WorkType, String, String).self) }.map {
                    $0 == (input.title, input.type, input.theme, input.url)
                } ?? false
            if apply && !same {
                try await connection.query(
                    """
                    INSERT INTO work (id, title, type, theme, url) VALUES (\(id), \(input.title), \(input.type), \(input.theme), \(input.url))
                    ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, type = EXCLUDED.type, theme = EXCLUDED.theme, url = EXCLUDED.url,
                        updated_at = now()
                    """, logger: logger)
            }
        }
        return existing.isEmpty ? .create : same ? .unchanged : .change
    }
}
