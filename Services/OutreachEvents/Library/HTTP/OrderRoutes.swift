import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime

/// The order loop (点单 → 派单 → 接单 → 汇报 → 审核 → 评单) for site, district and city staff and providers. A site
/// orders for itself; a district dispatches within its district; a provider answers for itself.
struct OrderRoutes: RouteCollectionInstaller {
    let deadlines: OrderDeadlines

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let store = OrderStore(logger: logger, deadlines: deadlines)
        let queries = OrderQueries(client: client, logger: logger)
        let registry = RegistryQueries(client: client, logger: logger)

        admin.post("orders") { request, context in
            let input = try await request.decode(as: OrderInput.self, context: context)
            guard let path = try await registry.path(site: input.siteId) else {
                throw APIError(.unprocessableContent, "site \(input.siteId) is not in the registry")
            }
            let identity = try context.authorize([.siteOperator, .districtAdmin, .cityAdmin], over: path)
            let placed = try await client.withOutboxTransaction(logger: logger) { transaction in
                try await store.place(input, actor: OrderActor(identity), in: transaction)
            }
            switch placed {
            case .placed: return EditedResponse(status: .created, response: try await view(input.orderId, queries))
            case .repeated: return EditedResponse(status: .ok, response: try await view(input.orderId, queries))
            case .refused(.conflict, let detail): throw APIError.conflict(detail)
            case .refused(_, let detail): throw APIError(.unprocessableContent, detail)
            }
        }
        admin.post("orders/:id/steps") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: OrderStepInput.self, context: context)
            let action: OrderAction
            switch input.workflowAction() {
            case .success(let made): action = made
            case .failure(let refusal): throw APIError.badRequest(refusal.reason)
            }
            guard let scope = try await queries.scope(id) else { throw APIError.notFound("no such order") }
            let identity = try authorize(action, scope: scope, context)
            _ = try await refusingUnprocessable {
                try await client.withOutboxTransaction(logger: logger) { transaction in
                    try await store.take(action, on: id, reason: input.reason, actor: OrderActor(identity), in: transaction)
                }
            }.orConflict()
            return try await view(id, queries)
        }
        admin.get("orders/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let scope = try await queries.scope(id) else { throw APIError.notFound("no such order") }
            if context.identity?.role == .provider {
                try context.authorize([.provider], over: [scope.providerId ?? ""])
            } else {
                try context.authorize([.siteOperator, .districtAdmin, .cityAdmin], over: scope.sitePath)
            }
            return try await view(id, queries)
        }
    }

    /// A provider acts for itself (claiming as itself, answering what is dispatched to it); staff over the site.
    private func authorize(_ action: OrderAction, scope: (sitePath: [String], providerId: String?), _ context: KepuRequestContext) throws
        -> AdminIdentity
    {
        guard context.identity?.role == .provider else {
            return try context.authorize(action.roles.subtracting([.provider]), over: scope.sitePath)
        }
        switch action {
        case .claim(let provider): return try context.authorize([.provider], over: [provider])
        case .accept, .decline: return try context.authorize([.provider], over: [scope.providerId ?? ""])
        default: return try context.authorize([], over: scope.sitePath)
        }
    }

    private func view(_ id: String, _ queries: OrderQueries) async throws -> OrderView {
        guard let view = try await queries.view(id) else { throw APIError.notFound("no such order") }
        return view
    }
}
