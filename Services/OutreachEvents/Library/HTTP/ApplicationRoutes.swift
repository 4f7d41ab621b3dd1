import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Applications to become a practice point (申报): submitted, reviewed by the district, inspected on site, approved
/// by the city, re-evaluated yearly; every step by someone in a role, within their scope.
struct ApplicationRoutes: RouteCollectionInstaller {
    static let readers: Set<AdminRole> = [.cityAdmin, .districtAdmin, .reviewer, .inspector]

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let store = ApplicationStore(client: context.client, logger: context.logger)
        let queries = ApplicationQueries(client: context.client, logger: context.logger)
        let registry = RegistryQueries(client: context.client, logger: context.logger)

        admin.post("applications") { request, context in
            let submission = try await request.decode(as: ApplicationSubmission.self, context: context)
            let identity = try context.authorize([.cityAdmin, .districtAdmin])
            guard let path = try await registry.path(unit: submission.unitId), let unit = try await registry.unit(submission.unitId) else {
                throw APIError(.unprocessableContent, "unit \(submission.unitId) is not in the registry")
            }
            try context.authorize([.cityAdmin, .districtAdmin], over: path)
            guard SiteKind.practicePoint.unitLevels.contains(unit.level) else {
                throw APIError(
                    .unprocessableContent, "a practice point sits on a street or a community; \(submission.unitId) is a \(unit.level.rawValue)")
            }
            guard try await store.submit(submission, by: identity, unitPath: path) else {
                throw APIError.conflict("application \(submission.applicationId) exists")
            }
            return EditedResponse(status: .created, response: try await view(submission.applicationId, queries))
        }
        admin.post("applications/:id/steps") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: ApplicationStepInput.self, context: context)
            let action: ApplicationAction
            switch input.workflowAction() {
            case .success(let made): action = made
            case .failure(let refusal): throw APIError.badRequest(refusal.reason)
            }
            guard let path = try await queries.path(id) else { throw APIError.notFound("no such application") }
            let identity = try context.authorize(action.roles, over: path)
            do {
                switch try await store.take(action, on: id, comment: input.comment, by: identity, today: ShanghaiDay(Date())) {
                case .success: return try await view(id, queries)
                case .failure(let refusal): throw APIError.conflict(refusal.reason)
                }
            } catch let error as PostgresTransactionError {
                if let refusal = error.closureError as? ApplicationRegistryError { throw APIError(.unprocessableContent, refusal.description) }
                throw error
            }
        }
        admin.get("applications/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            let path = try await queries.path(id)
            try context.authorize(Self.readers, over: path)
            return try await view(id, queries)
        }
        admin.get("applications") { request, context in
            let identity = try context.authorize(Self.readers)
            var status: ApplicationStatus?
            if let text = request.uri.queryParameters.get("status") {
                guard let known = ApplicationStatus(rawValue: text) else {
                    throw APIError.badRequest("status is one of \(ApplicationStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = known
            }
            let (after, limit) = try Page.read(request)
            let scope = identity.role == .breakGlass ? nil : identity.scope
            return try await queries.list(scope: scope, status: status, after: after, limit: limit)
        }
    }

    private func view(_ id: String, _ queries: ApplicationQueries) async throws -> ApplicationView {
        guard let view = try await queries.view(id) else { throw APIError.notFound("no such application") }
        return view
    }
}
