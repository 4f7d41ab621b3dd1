import HTTPTypes
import Hummingbird
import KepuContracts
import KepuRuntime

/// `GET /bookings/{id}` with the booking's claim token in the `Kepu-Claim-Token` header: the resident's view.
struct BookingLookupRoutes: RouteCollectionInstaller {
    /// Where the lookup expects the booking's claim token.
    static let claimTokenHeader = HTTPField.Name("Kepu-Claim-Token")!

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let store = BookingLookupStore(client: context.client, logger: context.logger)
        let header = Self.claimTokenHeader
        router.get("bookings/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            // The token travels in a header, not the query string, so access logs and proxies never record it.
            guard request.uri.queryParameters.get("code") == nil else {
                throw APIError.badRequest("send the claim token in the \(header) header; ?code= is retired")
            }
            guard let token = request.headers[header], (try? ClaimToken.checkToken(token, header.rawName)) != nil else {
                throw APIError(.unauthorized, "the \(header) header must carry the booking's claim token (1...\(ClaimToken.maxLength) bytes)")
            }
            // The same answer for a wrong token as for no booking: ids cannot be probed.
            guard let booking = try await store.booking(id, claimToken: token) else {
                throw APIError.notFound("no booking with this id and claim token")
            }
            return booking
        }
    }
}
