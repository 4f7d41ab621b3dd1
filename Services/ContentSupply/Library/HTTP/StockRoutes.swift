import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// A site's books: anyone reads its stock; its operator (and district and city staff) lend and take back copies and
/// list the loans, overdue ones first to chase.
struct StockRoutes: RouteCollectionInstaller {
    let policy: ContentPolicy

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let queries = ContentQueries(client: client, logger: logger)
        let store = StockStore(logger: logger)
        let loanDays = policy.loanDays

        router.get("sites/:id/stock") { _, context in try await Self.stock(context, queries) }
        admin.post("sites/:id/loans") { request, context in try await Self.lend(request, context, queries, store, client, logger, loanDays) }
        admin.post("loans/:id/return") { _, context in try await Self.giveBack(context, queries, store, client, logger) }
        admin.get("sites/:id/loans") { request, context in try await Self.loans(request, context, queries) }
    }

    // Route bodies as functions, left unoptimised: Swift 6.3.1's optimiser crashes ("While splitting coroutine")
    // on them otherwise; none is a hot path.
    @_optimize(none) private static func stock(_ context: KepuRequestContext, _ queries: ContentQueries) async throws -> StockList {
        let site = try context.parameters.requireIdentifier("id")
        guard try await queries.sitePath(site) != nil else { throw APIError.notFound("no such site") }
        return try await queries.stock(site: site)
    }

    @_optimize(none) private static func lend(
        _ request: Request, _ context: KepuRequestContext, _ queries: ContentQueries, _ store: StockStore, _ client: PostgresClient, _ logger: Logger,
        _ loanDays: Int
    ) async throws -> StockList {
        let site = try context.parameters.requireIdentifier("id")
        let input = try await request.decode(as: LoanInput.self, context: context)
        guard let path = try await queries.sitePath(site) else { throw APIError.notFound("no such site") }
        try context.authorize(LotRoutes.receivers, over: path + [site])
        let isbn = try ISBN(input.isbn).digits
        let due = ShanghaiDay(Date()).advanced(by: loanDays)
        try await refused {
            try await client.withOutboxTransaction(logger: logger) {
                try await store.lend(
                    loanId: input.loanId, site: site, isbn: isbn, borrower: input.borrower, phone: input.borrowerPhone, dueOn: due, in: $0)
            }
        }
        return try await queries.stock(site: site)
    }

    @_optimize(none) private static func giveBack(
        _ context: KepuRequestContext, _ queries: ContentQueries, _ store: StockStore, _ client: PostgresClient, _ logger: Logger
    ) async throws -> StockList {
        let id = try context.parameters.requireIdentifier("id")
        guard let site = try await queries.loanSite(id), let path = try await queries.sitePath(site) else { throw APIError.notFound("no such loan") }
        try context.authorize(LotRoutes.receivers, over: path + [site])
        try await client.withOutboxTransaction(logger: logger) { try await store.giveBack(loanId: id, in: $0) }
        return try await queries.stock(site: site)
    }

    @_optimize(none) private static func loans(_ request: Request, _ context: KepuRequestContext, _ queries: ContentQueries) async throws -> LoanList
    {
        let site = try context.parameters.requireIdentifier("id")
        guard let path = try await queries.sitePath(site) else { throw APIError.notFound("no such site") }
        try context.authorize(LotRoutes.receivers, over: path + [site])
        let (after, limit) = try Page.read(request)
        let overdue = try request.flag("overdue")
        return try await queries.loans(site: site, overdueOn: overdue ? ShanghaiDay(Date()) : nil, after: after, limit: limit)
    }
}

/// `POST /admin/sites/{id}/loans`: a copy lent to a resident. Their name and phone are contact details (this
/// service's database and admin API only), erased after the loan is returned and the retention period passed.
struct LoanInput: Decodable, ValidatedPayload, ClosedPayload {
    var loanId: String
    var isbn: String
    var borrower: String
    var borrowerPhone: String?

    func validate() throws(ContractViolation) {
        try FieldLimit.check(loanId, "loanId", max: FieldLimit.identifier)
        do { _ = try ISBN(isbn) } catch { throw ContractViolation(field: "isbn", "is not an ISBN: \(error)") }
        try FieldLimit.check(borrower, "borrower", max: FieldLimit.name)
        try FieldLimit.check(borrowerPhone, "borrowerPhone", max: FieldLimit.phone)
    }

    static let fields = PayloadFields.object(["loanId": .value, "isbn": .value, "borrower": .value, "borrowerPhone": .value])
}
