import Foundation
import Hummingbird
import KepuContracts
import KepuRuntime

/// Teams and volunteers. City and district staff form teams in their units; team leaders keep their team's
/// volunteers (district and city staff those under them).
struct CorpsRoutes: RouteCollectionInstaller {
    let policy: MatchingPolicy

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let store = CorpsStore(logger: logger)
        let queries = VolunteerQueries(client: client, logger: logger)

        router.get("skills") { _, _ in try await queries.skills() }
        router.get("teams") { _, _ in try await queries.teams() }
        router.get("site-heads") { _, _ in try await queries.coverage() }

        admin.put("teams/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: TeamInput.self, context: context)
            let path = try await client.withConnection { try await store.unitPath(input.unitId, on: $0) }
            guard let path else { throw APIError(.unprocessableContent, "unit \(input.unitId) is not in the registry") }
            try context.authorize([.districtAdmin, .cityAdmin], over: path)
            if let existing = try await queries.teamPath(id) { try context.authorize([.districtAdmin, .cityAdmin], over: existing) }
            return try await refusing {
                try await client.withOutboxTransaction(logger: logger) { try await store.putTeam(id, input, in: $0) }
            }
        }
        admin.put("volunteers/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: VolunteerProfileInput.self, context: context)
            guard let path = try await queries.teamPath(input.teamId) else {
                throw APIError(.unprocessableContent, "team \(input.teamId) does not exist")
            }
            let identity = try context.authorize(VolunteerHTTPRoutes.keepers, over: path)
            if let current = try await queries.volunteerPaths([id])[id] { try context.authorize(VolunteerHTTPRoutes.keepers, over: current) }
            let registration = input.registration(volunteerId: id, requestId: "admin:\(identity.subject)".prefix(FieldLimit.identifier).description)
            _ = try await refusing {
                try await client.withOutboxTransaction(logger: logger) { try await store.register(registration, by: .staff, in: $0) }
            }
            return try await view(id, queries)
        }
        admin.get("volunteers/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            try await authorize(id, context, queries)
            return try await view(id, queries)
        }
        admin.delete("volunteers/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            try await authorize(id, context, queries)
            _ = try await client.withOutboxTransaction(logger: logger) { try await store.leave(id, in: $0) }
            return try await view(id, queries)
        }
        admin.get("volunteers") { request, context in
            guard let team = try Page.identifier(request, "team") else { throw APIError.badRequest("team is required") }
            guard let path = try await queries.teamPath(team) else { throw APIError.notFound("no such team") }
            try context.authorize(VolunteerHTTPRoutes.keepers, over: path)
            let (after, limit) = try Page.read(request)
            return try await queries.volunteers(team: team, after: after, limit: limit)
        }
    }

    private func view(_ id: String, _ queries: VolunteerQueries) async throws -> VolunteerView {
        guard let view = try await queries.volunteer(id) else { throw APIError.notFound("no such volunteer") }
        return view
    }
}

/// Refuses unless the caller keeps volunteer `id`'s team (404 when there is no such volunteer).
@discardableResult
func authorize(_ id: String, _ context: KepuRequestContext, _ queries: VolunteerQueries) async throws -> AdminIdentity {
    guard let path = try await queries.volunteerPaths([id])[id] else {
        _ = try context.authorize(VolunteerHTTPRoutes.keepers)
        throw APIError.notFound("no such volunteer")
    }
    return try context.authorize(VolunteerHTTPRoutes.keepers, over: path)
}
