import Hummingbird
import KepuContracts
import KepuRuntime
import PostgresNIO

/// Sessions: created one by one or from a weekly pattern, capacity changed, closed, their roster (admin); one
/// session's availability (public).
struct SessionRoutes: RouteCollectionInstaller {
    let policy: NoShowPolicy

    /// Who administers sessions: city and district staff within their scope, and a site's operator at its site.
    static let administrators: Set<AdminRole> = [.cityAdmin, .districtAdmin, .siteOperator]

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let store = SessionStore(client: context.client, logger: context.logger)
        let venues = VenueStore(client: context.client, logger: context.logger)
        /// The caller may administer sessions at every venue of `sessions` (an unknown venue fails to create anyway).
        @Sendable func authorize(_ sessions: [SessionInput], _ context: KepuRequestContext) async throws {
            try context.authorize(Self.administrators)
            for (_, path) in try await venues.paths(venues: Array(Set(sessions.map(\.venueId)))) {
                try context.authorize(Self.administrators, over: path)
            }
        }
        /// The caller may administer the session `id` (an unknown one is answered as before).
        @Sendable func authorize(session id: String, _ context: KepuRequestContext) async throws {
            let path = try await venues.path(session: id)
            try context.authorize(Self.administrators, over: path)
        }
        admin.post("sessions") { request, context in
            let input = try await request.decode(as: SessionInput.self, context: context)
            try await authorize([input], context)
            return try await create([input], store: store)
        }
        admin.post("sessions/recurring") { request, context in
            let input = try await request.decode(as: RecurringSessionsInput.self, context: context)
            let sessions: [SessionInput]
            do {
                sessions = try SessionAdministration.expand(input)
            } catch let error as AdminInputError {
                throw APIError.badRequest(error.description)
            }
            try await authorize(sessions, context)
            return try await create(sessions, store: store)
        }
        admin.put("sessions/:id/capacity") { request, context in
            struct Capacity: Decodable, ValidatedPayload {
                let capacity: Int
                func validate() throws(ContractViolation) { try FieldLimit.check(capacity, "capacity", in: FieldLimit.count) }
            }
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: Capacity.self, context: context)
            try await authorize(session: id, context)
            guard try await store.setCapacity(input.capacity, session: id, policy: policy) else {
                throw APIError.conflict("unknown session, or capacity below the confirmed seats")
            }
            return SessionCapacity(id: id, capacity: input.capacity)
        }
        admin.post("sessions/:id/close") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            try await authorize(session: id, context)
            guard try await store.close(session: id) != .unknown else { throw APIError.notFound("no such session") }
            return SessionClosure(id: id, closed: true)
        }
        admin.get("sessions/:id/roster") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            try await authorize(session: id, context)
            return SessionRoster(sessionId: id, roster: try await store.roster(session: id))
        }
        router.get("sessions/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let session = try await store.publicSession(id) else { throw APIError.notFound("no such session") }
            return session
        }
    }

    private func create(_ sessions: [SessionInput], store: SessionStore) async throws -> EditedResponse<SessionsCreated> {
        do {
            let ids = try await store.create(sessions)
            return EditedResponse(status: .created, response: SessionsCreated(ids: ids, count: ids.count))
        } catch {
            // A refusal thrown inside the transaction reaches here wrapped by PostgresNIO's `withTransaction`.
            let refusal = error as? AdminInputError ?? (error as? PostgresTransactionError)?.closureError as? AdminInputError
            throw APIError.badRequest(refusal?.description ?? "could not create sessions (unknown venue or a duplicate id?)")
        }
    }
}
