import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Donated lots: district (or city) staff record and approve them and mark them shipped; a site's operator reports
/// what arrived.
struct LotRoutes: RouteCollectionInstaller {
    static let planners: Set<AdminRole> = [.districtAdmin, .cityAdmin]
    static let receivers: Set<AdminRole> = [.siteOperator, .districtAdmin, .cityAdmin]

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let store = LotStore(logger: logger)

        admin.put("lots/:id") { request, context in try await Self.put(request, context, store, client, logger) }
        admin.get("lots/:id") { _, context in try await Self.get(context, store, client) }
        admin.post("lots/:id/approve") { _, context in try await Self.advance(context, to: .approved, store, client, logger) }
        admin.post("lots/:id/ship") { _, context in try await Self.advance(context, to: .shipped, store, client, logger) }
        admin.post("lots/:id/receipts") { request, context in try await Self.receive(request, context, store, client, logger) }
    }

    // Route bodies as functions, left unoptimised: Swift 6.3.1's optimiser crashes ("While splitting coroutine")
    // on them otherwise; none is a hot path.
    @_optimize(none) private static func put(
        _ request: Request, _ context: KepuRequestContext, _ store: LotStore, _ client: PostgresClient, _ logger: Logger
    ) async throws -> LotView {
        let id = try context.parameters.requireIdentifier("id")
        let input = try await request.decode(as: LotInput.self, context: context)
        guard let path = try await store.districtPath(input.districtId, client: client) else {
            throw APIError(.unprocessableContent, "district \(input.districtId) has no site in the registry")
        }
        try context.authorize(planners, over: path)
        if let existing = try await store.lotPath(id, client: client) { try context.authorize(planners, over: existing) }
        try await refused { try await client.withOutboxTransaction(logger: logger) { try await store.record(id, input, path: path, in: $0) } }
        return try await view(id, store, client)
    }

    @_optimize(none) private static func get(_ context: KepuRequestContext, _ store: LotStore, _ client: PostgresClient) async throws -> LotView {
        let id = try context.parameters.requireIdentifier("id")
        guard let path = try await store.lotPath(id, client: client) else { throw APIError.notFound("no such lot") }
        try context.authorize(receivers, over: Array(path.prefix(2)))
        return try await view(id, store, client)
    }

    @_optimize(none) private static func receive(
        _ request: Request, _ context: KepuRequestContext, _ store: LotStore, _ client: PostgresClient, _ logger: Logger
    ) async throws -> LotView {
        let id = try context.parameters.requireIdentifier("id")
        let input = try await request.decode(as: ReceiptInput.self, context: context)
        guard let sitePath = try await ContentQueries(client: client, logger: logger).sitePath(input.siteId) else {
            throw APIError(.unprocessableContent, "site \(input.siteId) is not in the registry")
        }
        let identity = try context.authorize(receivers, over: sitePath + [input.siteId])
        try await refused {
            try await client.withOutboxTransaction(logger: logger) { try await store.receive(id, input, by: identity.subject, in: $0) }
        }
        return try await view(id, store, client)
    }

    @_optimize(none) private static func advance(
        _ context: KepuRequestContext, to next: LotStatus, _ store: LotStore, _ client: PostgresClient, _ logger: Logger
    ) async throws -> LotView {
        let id = try context.parameters.requireIdentifier("id")
        guard let path = try await store.lotPath(id, client: client) else { throw APIError.notFound("no such lot") }
        let identity = try context.authorize(planners, over: path)
        try await refused {
            try await client.withOutboxTransaction(logger: logger) { try await store.advance(id, to: next, by: identity.subject, in: $0) }
        }
        return try await view(id, store, client)
    }

    @_optimize(none) private static func view(_ id: String, _ store: LotStore, _ client: PostgresClient) async throws -> LotView {
        guard let view = try await client.withConnection({ try await store.view(id, on: $0) }) else { throw APIError.notFound("no such lot") }
        return view
    }
}

/// Runs `body`, answering an `APIError` thrown inside a transaction as itself, and a database constraint that
/// refused the change (`never_beyond_the_copies`, `never_negative`) as a 409 naming it.
func refused<Result>(_ body: () async throws -> Result) async throws -> Result {
    try await answering(
        { error in
            if let answer = error as? APIError { return answer }
            if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23514" {
                return APIError.conflict("refused by the database: \(error.serverInfo?[.constraintName] ?? "a check constraint")")
            }
            return nil
        }, body)
}
