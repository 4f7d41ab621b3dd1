import Foundation
import Hummingbird
import KepuContracts
import KepuRuntime

/// Rankings with their reasons, an event's assignments and staffing, and answers on a volunteer's behalf.
struct MatchingRoutes: RouteCollectionInstaller {
    let policy: MatchingPolicy

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let queries = VolunteerQueries(client: client, logger: logger)
        let matcher = Matcher(policy: policy, logger: logger)

        router.get("events/:id/staffing") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let staffing = try await queries.assignments(event: id).staffing else {
                throw APIError.notFound("no volunteer needs for this event")
            }
            return staffing
        }
        admin.get("events/:id/candidates") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            var limit = 20
            if let text = request.uri.queryParameters.get("limit") {
                guard let value = Int(text), (1...200).contains(value) else { throw APIError.badRequest("limit is 1...200") }
                limit = value
            }
            guard let event = try await queries.event(id) else { throw APIError.notFound("no such event") }
            try context.authorize([.districtAdmin, .cityAdmin], over: event.sitePath)
            let candidates = try await client.withConnection { try await matcher.rank(id, limit: limit, on: $0) }
            return CandidateList(
                eventId: id, skills: event.skills,
                candidates: candidates.enumerated().map {
                    RankedCandidate(rank: $0.offset + 1, $0.element, skills: event.skills, fairnessDays: policy.fairnessDays)
                })
        }
        admin.get("events/:id/assignments") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let event = try await queries.event(id) else { throw APIError.notFound("no such event") }
            try context.authorize([.districtAdmin, .cityAdmin], over: event.sitePath)
            return try await queries.assignments(event: id)
        }
        admin.post("offers/:id/answer") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: OfferAnswer.self, context: context)
            guard let volunteer = try await queries.offerVolunteer(id) else { throw APIError.notFound("no such offer") }
            try await authorize(volunteer, context, queries)
            let record = try await refusing {
                try await client.withOutboxTransaction(logger: logger) { transaction in
                    try await matcher.answer(offer: id, volunteerId: nil, accept: input.accept, now: Date(), in: transaction)
                }
            }
            return try await queries.assignments(event: record.eventId)
        }
    }
}

extension EventStaffing: ResponseEncodable {}
extension TeamRecord: ResponseEncodable {}
