import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime

/// The organisation (staff per unit and site) and pairings, administered within the caller's scope.
struct OrganisationRoutes: RouteCollectionInstaller {
    /// Staff: the city, the district, and a site's operator for its own site.
    static let staffEditors: Set<AdminRole> = [.cityAdmin, .districtAdmin, .siteOperator]
    static let pairingEditors: Set<AdminRole> = [.cityAdmin, .districtAdmin]

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let staff = StaffStore(client: context.client, logger: context.logger)
        let pairings = PairingStore(client: context.client, logger: context.logger)
        let registry = RegistryQueries(client: context.client, logger: context.logger)

        admin.put("staff/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: StaffInput.self, context: context)
            guard let path = try await registry.path(place: input.placeId) else {
                throw APIError(.unprocessableContent, "placeId \(input.placeId) is neither a unit nor a site of the registry")
            }
            try context.authorize(Self.staffEditors, over: path)
            if let current = try await staff.place(of: id), let currentPath = try await registry.path(place: current) {
                try context.authorize(Self.staffEditors, over: currentPath)
            }
            let changed = try await staff.assign(id, input, path: path)
            return StaffChange(staffId: id, changed: changed)
        }
        admin.post("staff/:id/release") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let place = try await staff.place(of: id) else { throw APIError.notFound("no such staff member") }
            let path = try await registry.path(place: place) ?? [place]
            try context.authorize(Self.staffEditors, over: path)
            guard try await staff.release(id, on: ShanghaiDay(Date()), path: path) else { throw APIError.conflict("already released") }
            return StaffChange(staffId: id, changed: true)
        }
        admin.get("staff") { request, context in
            guard let place = request.uri.queryParameters.get("place") else { throw APIError.badRequest("place is required") }
            do {
                try FieldLimit.check(place, "place", max: FieldLimit.identifier)
            } catch {
                throw APIError.badRequest("invalid \(error)")
            }
            let path = try await registry.path(place: place) ?? [place]
            try context.authorize(Self.staffEditors, over: path)
            return StaffList(placeId: place, staff: try await staff.list(place: place))
        }

        admin.put("pairings/:id") { request, context in
            try await savePairing(request, context, pairings: pairings, registry: registry)
        }
        admin.post("pairings/:id/end") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let current = try await pairings.read(id) else { throw APIError.notFound("no such pairing") }
            try context.authorize(Self.pairingEditors, over: current.partnerPath)
            guard let ended = try await pairings.end(id, on: ShanghaiDay(Date())) else { throw APIError.conflict("the pairing has ended") }
            return PairingView(record: ended)
        }
        admin.get("pairings/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let current = try await pairings.read(id) else { throw APIError.notFound("no such pairing") }
            try context.authorize(Self.pairingEditors, over: current.partnerPath)
            return PairingView(record: current)
        }
    }
}

extension OrganisationRoutes {
    // Unoptimized: Swift 6.3.1 crashes (signal 11 while LLVM splits the coroutine) optimizing this body.
    @_optimize(none)
    fileprivate func savePairing(
        _ request: Request, _ context: KepuRequestContext, pairings: PairingStore, registry: RegistryQueries
    ) async throws -> EditedResponse<PairingView> {
        let id = try context.parameters.requireIdentifier("id")
        let input = try await request.decode(as: PairingInput.self, context: context)
        // The partner's district runs the pairing.
        let path = try await registry.path(site: input.partnerId)
        try context.authorize(Self.pairingEditors, over: path)
        let currentPath = try await pairings.partnerPath(of: id)
        if let currentPath { try context.authorize(Self.pairingEditors, over: currentPath) }
        let outcome = try await pairings.save(id, input)
        guard let record = outcome.record else { throw APIError(.unprocessableContent, outcome.refusal ?? "refused") }
        return EditedResponse(status: outcome.created ? .created : .ok, response: PairingView(record: record))
    }
}

struct StaffChange: ResponseEncodable {
    let staffId: String
    /// False when the write said what was already so (nothing published).
    let changed: Bool
}
