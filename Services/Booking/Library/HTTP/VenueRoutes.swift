import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime

/// `POST /admin/venues` (create or replace), `GET /admin/venues/{id}` and `GET /venues/{id}/sessions` (public).
struct VenueRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let venues = VenueStore(client: context.client, logger: context.logger)
        let sessions = SessionStore(client: context.client, logger: context.logger)
        admin.post("venues") { request, context in
            let input = try await request.decode(as: VenueInput.self, context: context)
            // Venues and their settings are city and district business; an existing venue is checked where it is
            // now as well as where the request would put it.
            try context.authorize([.cityAdmin, .districtAdmin], over: (input.unitPath ?? []) + [input.id])
            if let current = try await venues.paths(venues: [input.id])[input.id] {
                try context.authorize([.cityAdmin, .districtAdmin], over: current)
            }
            if let dedicated = input.dedicatedSessions {
                guard input.kind == .museum else { throw APIError.badRequest("only a museum opens dedicated sessions") }
                if let problem = dedicated.problem { throw APIError.badRequest(problem) }
            }
            try await venues.save(input)
            return VenueSaved(id: input.id)
        }
        admin.get("venues/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            let path = try await venues.paths(venues: [id])[id]
            try context.authorize(SessionRoutes.administrators, over: path)
            guard let venue = try await venues.venue(id) else { throw APIError.notFound("no such venue") }
            return venue
        }
        router.get("venues/:id/sessions") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            // Dates are Asia/Shanghai calendar days, both inclusive; by default the next 30 days.
            let from = request.uri.queryParameters.get("from") ?? ShanghaiCalendar.day(Date())
            let to = request.uri.queryParameters.get("to") ?? ShanghaiCalendar.day(Date().addingTimeInterval(30 * 86400))
            guard BookingCommand.isCalendarDate(from), BookingCommand.isCalendarDate(to), from <= to else {
                throw APIError.badRequest("from and to are yyyy-MM-dd with from <= to")
            }
            return VenueSessions(venueId: id, from: from, to: to, sessions: try await sessions.sessions(venue: id, from: from, to: to))
        }
    }
}
