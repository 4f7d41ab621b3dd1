import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime

/// The mobile science museum: exhibit kits (city and district staff), tours' stops at sites (staff over the
/// site), and each kit's schedule (public).
struct TourRoutes: RouteCollectionInstaller {
    let travel: KitTravel
    let deadlines: OrderDeadlines

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let store = TourStore(logger: logger, travel: travel, deadlines: deadlines)
        let registry = RegistryQueries(client: client, logger: logger)
        let events = EventQueries(client: client, logger: logger, deadlines: deadlines)

        admin.put("kits/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: KitInput.self, context: context)
            try context.authorize([.cityAdmin, .districtAdmin])
            try await store.putKit(id, input, on: client)
            return try await store.schedule(kit: id, from: Date(), on: client)
        }
        router.get("district-travel") { _, _ in try await store.travelTimes(on: client) }
        admin.put("district-travel") { request, context in
            let input = try await request.decode(as: DistrictTravelInput.self, context: context)
            try context.authorize([.cityAdmin])
            for district in [input.from, input.to] {
                guard try await registry.unit(district)?.level == .district else {
                    throw APIError(.unprocessableContent, "\(district) is not a district in the registry")
                }
            }
            try await store.setTravel(input, on: client)
            return try await store.travelTimes(on: client)
        }
        router.get("kits/:id/schedule") { _, context in
            try await store.schedule(kit: try context.parameters.requireIdentifier("id"), from: Date(), on: client)
        }
        admin.post("tours/:id/stops") { request, context in
            let tour = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: TourStopInput.self, context: context)
            guard let path = try await registry.path(site: input.siteId) else {
                throw APIError(.unprocessableContent, "site \(input.siteId) is not in the registry")
            }
            try context.authorize([.districtAdmin, .cityAdmin], over: path)
            let id = input.eventId ?? EventStore.newId()
            try await refusingUnprocessable {
                try await client.withOutboxTransaction(logger: logger) { transaction in
                    try await store.addStop(tour: tour, input, eventId: id, in: transaction)
                }
            }
            guard let view = try await events.view(id) else { throw APIError.notFound("no such event") }
            return EditedResponse(status: .created, response: view)
        }
    }
}
