import Foundation
import Hummingbird
import KepuCSV
import KepuContracts
import KepuDomain
import KepuRuntime

/// The catalogue: anyone reads books and works; city staff write them.
struct CatalogueRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let store = CatalogueStore(client: context.client, logger: context.logger)

        router.get("books") { request, _ in
            let (after, limit) = try Page.read(request)
            return try await store.books(category: try Self.category(request), after: after, limit: limit)
        }
        router.get("books/:isbn") { _, context in
            let isbn = try Self.isbn(context)
            guard let book = try await store.book(isbn) else { throw APIError.notFound("no such book") }
            return book
        }
        admin.put("books/:isbn") { request, context in
            let isbn = try Self.isbn(context)
            let input = try await request.decode(as: BookInput.self, context: context)
            try context.authorize([.cityAdmin])
            try await store.putBook(isbn, input)
            guard let book = try await store.book(isbn) else { throw APIError.notFound("no such book") }
            return book
        }
        router.get("works") { request, _ in
            let (after, limit) = try Page.read(request)
            return try await store.works(theme: try Page.identifier(request, "theme"), after: after, limit: limit)
        }
        router.get("works/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let work = try await store.works(theme: nil, after: "", limit: 1, only: id).works.first else {
                throw APIError.notFound("no such work")
            }
            return work
        }
        admin.post("catalogue/import") { request, context in try await importFile(request, context, store: store) }
        admin.put("works/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: WorkInput.self, context: context)
            try context.authorize([.cityAdmin])
            try await store.putWork(id, input)
            return WorkView(id: id, title: input.title, type: input.type, theme: input.theme, url: input.url)
        }
    }

    /// A catalogue of a few hundred thousand titles is a few tens of MB; larger files are split.
    static let maximumImportBytes = 32 << 20

    /// `POST /admin/catalogue/import?dryRun=`: the whole file or nothing; 422 with the report when a row has problems.
    private func importFile(_ request: Request, _ context: KepuRequestContext, store: CatalogueStore) async throws
        -> EditedResponse<CatalogueImport.Report>
    {
        try context.authorize([.cityAdmin])
        let dryRun = try request.flag("dryRun")
        let body = try await request.upload(upTo: Self.maximumImportBytes)
        let rows: [CSVTable.Row]
        do {
            rows = try CSVTable.rows(from: body.readableBytesView, columns: CatalogueImport.columns, maximumRows: CatalogueImport.maximumRows)
        } catch {
            throw APIError(.unprocessableContent, error.message)
        }
        let report = try await store.importRows(rows, dryRun: dryRun)
        return EditedResponse(status: report.summary.invalidRows > 0 ? .unprocessableContent : .ok, response: report)
    }

    /// The path's ISBN, ISBN-10 or ISBN-13 with or without hyphens, as its ISBN-13.
    static func isbn(_ context: KepuRequestContext) throws -> ISBN {
        let text = try context.parameters.requireIdentifier("isbn")
        do {
            return try ISBN(text)
        } catch {
            throw APIError.badRequest("invalid isbn: \(error)")
        }
    }

    static func category(_ request: Request) throws -> BookCategory? {
        guard let text = request.uri.queryParameters.get("category") else { return nil }
        guard let category = BookCategory(rawValue: String(text)) else {
            throw APIError.badRequest("category is one of \(BookCategory.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return category
    }
}
