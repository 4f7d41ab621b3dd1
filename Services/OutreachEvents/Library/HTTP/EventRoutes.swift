import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Events (draft → published → held → reported, or cancelled) and the campaign calendar. Site staff run their
/// site's events; district and city staff theirs and everything under them. Published events with seats become
/// booking sessions (booking follows `event-recorded`).
struct EventRoutes: RouteCollectionInstaller {
    static let editors: Set<AdminRole> = [.siteOperator, .districtAdmin, .cityAdmin]
    let deadlines: OrderDeadlines

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let store = EventStore(logger: logger, deadlines: deadlines)
        let queries = EventQueries(client: client, logger: logger, deadlines: deadlines)
        let registry = RegistryQueries(client: client, logger: logger)

        admin.post("events") { request, context in
            let input = try await request.decode(as: EventInput.self, context: context)
            guard let site = try await registry.site(input.siteId) else {
                throw APIError(.unprocessableContent, "site \(input.siteId) is not in the registry")
            }
            try context.authorize(Self.editors, over: site.unitPath + [site.id])
            let id = input.eventId ?? EventStore.newId()
            let created = try await refusingUnprocessable {
                try await client.withOutboxTransaction(logger: logger) { transaction in
                    try await store.create(input.record(id: id, siteKind: site.kind, sitePath: site.unitPath), in: transaction)
                }
            }
            guard created else { throw APIError.conflict("event \(id) exists") }
            return EditedResponse(status: .created, response: try await view(id, queries))
        }
        admin.post("events/:id/steps") { request, context in
            try await step(request, context, store: store, queries: queries, client: client)
        }
        admin.post("events/publish") { request, context in
            let input = try await request.decode(as: EventPublication.self, context: context)
            try context.authorize(Self.editors)
            // Every known event must be the caller's to publish, or none is published.
            for path in try await queries.sitePaths(events: input.eventIds).values { try context.authorize(Self.editors, over: path) }
            let published = try await client.withOutboxTransaction(logger: logger) { transaction in
                try await store.publishDrafts(Array(Set(input.eventIds)), in: transaction)
            }
            let done = Set(published)
            return EventPublicationResult(published: published, unchanged: input.eventIds.filter { !done.contains($0) })
        }
        router.get("events/:id") { _, context in try await view(try context.parameters.requireIdentifier("id"), queries) }
        router.get("events") { request, _ in
            let (after, limit) = try Page.read(request)
            let campaign = try Page.identifier(request, "campaign")
            return try await queries.list(campaign: campaign, site: try Page.identifier(request, "site"), after: after, limit: limit)
        }
        router.get("campaigns") { request, _ in
            var year: Int?
            if let text = request.uri.queryParameters.get("year") {
                guard let value = Int(text), (2000...2199).contains(value) else { throw APIError.badRequest("year is 2000...2199") }
                year = value
            }
            return try await queries.campaigns(year: year)
        }
        router.get("campaigns/:id/events") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let (after, limit) = try Page.read(request)
            return try await queries.list(campaign: id, site: nil, after: after, limit: limit)
        }
        admin.put("campaigns/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: CampaignInput.self, context: context)
            try context.authorize([.cityAdmin])
            try await client.withOutboxTransaction(logger: logger) { transaction in
                try await transaction.connection.query(
                    """
                    INSERT INTO campaign (id, name, from_day, until_day, themes)
                    VALUES (\(id), \(input.name), \(input.from)::date, \(input.until)::date, \(input.themes))
                    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, from_day = EXCLUDED.from_day, until_day = EXCLUDED.until_day,
                        themes = EXCLUDED.themes
                    """, logger: logger)
                transaction.emit(try OutreachEvent.about(id, kind: "campaign", ActivityEventType.campaignRecorded, input.record(id: id)))
            }
            return CampaignView(campaignId: id, name: input.name, from: input.from, until: input.until, themes: input.themes)
        }
    }

    /// `POST /admin/events/{id}/steps`.
    private func step(_ request: Request, _ context: KepuRequestContext, store: EventStore, queries: EventQueries, client: PostgresClient)
        async throws -> EventView
    {
        let id = try context.parameters.requireIdentifier("id")
        let input = try await request.decode(as: EventStepInput.self, context: context)
        guard let path = try await queries.sitePath(event: id) else { throw APIError.notFound("no such event") }
        let actor = OrderActor(try context.authorize(Self.editors, over: path))
        let action = input.eventAction
        let changes = EventChanges(
            title: input.title, startsAt: input.startsAt, endsAt: input.endsAt, seats: input.seats, costFen: input.costFen,
            campaigns: input.campaigns, volunteerNeeds: input.volunteerNeeds)
        let outcome = try await refusingUnprocessable {
            try await client.withOutboxTransaction(logger: context.logger) { transaction in
                try await store.take(action, on: id, changes: changes, actor: actor, in: transaction)
            }
        }
        _ = try outcome.orConflict()
        return try await view(id, queries)
    }

    private func view(_ id: String, _ queries: EventQueries) async throws -> EventView {
        guard let view = try await queries.view(id) else { throw APIError.notFound("no such event") }
        return view
    }
}
