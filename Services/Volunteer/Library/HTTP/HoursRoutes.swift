import Foundation
import Hummingbird
import KepuContracts
import KepuRuntime
import PostgresNIO

/// Service hours: a volunteer's, and their verification by the team leader (district and city staff above).
struct HoursRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let queries = VolunteerQueries(client: client, logger: logger)
        let store = HoursStore(logger: logger)

        admin.get("volunteers/:id/hours") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            try await authorize(id, context, queries)
            guard let hours = try await queries.hours(id) else { throw APIError.notFound("no such volunteer") }
            return hours
        }
        admin.post("hours/verify") { request, context in try await verify(request, context, queries: queries, store: store, client: client) }
    }

    /// `POST /admin/hours/verify`.
    private func verify(_ request: Request, _ context: KepuRequestContext, queries: VolunteerQueries, store: HoursStore, client: PostgresClient)
        async throws -> VerificationResult
    {
        let input = try await request.decode(as: HoursVerification.self, context: context)
        let volunteers = Array(Set(input.entries.map(\.volunteerId))).sorted()
        let paths = try await queries.volunteerPaths(volunteers)
        let identity = try Self.authorizeAll(volunteers, paths: paths, context)
        let actor = "\(identity.role.rawValue):\(identity.subject)"
        let changed = try await answeringRefusals {
            try await client.withOutboxTransaction(logger: context.logger) { transaction in
                try await store.verify(input.entries, actor: actor, in: transaction)
            }
        }
        return VerificationResult(changed: changed)
    }

    /// The caller must keep every volunteer's team; every volunteer must exist.
    private static func authorizeAll(_ volunteers: [String], paths: [String: [String]], _ context: KepuRequestContext) throws -> AdminIdentity {
        let identity = try context.authorize(VolunteerHTTPRoutes.keepers)
        for volunteer in volunteers {
            guard let path = paths[volunteer] else { throw APIError(.unprocessableContent, "no such volunteer \(volunteer)") }
            _ = try context.authorize(VolunteerHTTPRoutes.keepers, over: path)
        }
        return identity
    }
}
