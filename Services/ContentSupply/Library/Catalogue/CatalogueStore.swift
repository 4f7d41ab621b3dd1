import Foundation
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// The catalogue: science books by ISBN-13 and 科普中国's online works, written by city staff and read by anyone.
struct CatalogueStore {
    let client: PostgresClient
    let logger: Logger

    func putBook(_ isbn: ISBN, _ input: BookInput) async throws {
        try await client.query(
            """
            INSERT INTO book (isbn, title, authors, category, age_band, publisher)
            VALUES (\(isbn.digits), \(input.title), \(input.authors), \(input.category), \(input.ageBand), \(input.publisher))
            ON CONFLICT (isbn) DO UPDATE SET title = EXCLUDED.title, authors = EXCLUDED.authors, category = EXCLUDED.category,
                age_band = EXCLUDED.age_band, publisher = EXCLUDED.publisher, updated_at = now()
            """, logger: logger)
    }

    func putWork(_ id: String, _ input: WorkInput) async throws {
        try await client.query(
            """
            INSERT INTO work (id, title, type, theme, url) VALUES (\(id), \(input.title), \(input.type), \(input.theme), \(input.url))
            ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, type = EXCLUDED.type, theme = EXCLUDED.theme, url = EXCLUDED.url,
                updated_at = now()
            """, logger: logger)
    }

    func book(_ isbn: ISBN) async throws -> BookView? {
        try await books(category: nil, after: "", limit: 1, only: isbn.digits).books.first
    }

    func books(category: BookCategory?, after: String, limit: Int, only: String? = nil) async throws -> BookList {
        var books: [BookView] = []
        for try await (isbn, title, authors, bookCategory, age, publisher) in try await client.query(
            """
            SELECT isbn, title, authors, category, age_band, publisher FROM book
            WHERE (\(category?.rawValue ?? "")::text = '' OR category = \(category?.rawValue ?? "")::text)
              AND (\(only ?? "")::text = '' OR isbn = \(only ?? "")::text) AND isbn > \(after)
            ORDER BY isbn LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, [String], BookCategory, AgeBand, String).self) {
            books.append(BookView(isbn: isbn, title: title, authors: authors, category: bookCategory, ageBand: age, publisher: publisher))
        }
        return BookList(books: books, next: books.count == limit ? books.last?.isbn : nil)
    }

    func works(theme: String?, after: String, limit: Int, only: String? = nil) async throws -> WorkList {
        var works: [WorkView] = []
        for try await (id, title, type, workTheme, url) in try await client.query(
            """
            SELECT id, title, type, theme, url FROM work
            WHERE (\(theme ?? "")::text = '' OR theme = \(theme ?? "")::text) AND (\(only ?? "")::text = '' OR id = \(only ?? "")::text)
              AND id > \(after)
            ORDER BY id LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, WorkType, String, String).self) {
            works.append(WorkView(id: id, title: title, type: type, theme: workTheme, url: url))
        }
        return WorkList(works: works, next: works.count == limit ? works.last?.id : nil)
    }
}
