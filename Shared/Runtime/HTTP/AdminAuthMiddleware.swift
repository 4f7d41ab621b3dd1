import Hummingbird

/// Requires `Authorization: Bearer <KEPU_ADMIN_TOKEN>` (for admin writes).
public struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    public init(token: String) {
        self.token = token
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            constantTimeEquals(Array(header.utf8.dropFirst(7)), Array(token.utf8))
        else {
            var response = Response(status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        return try await next(request, context)
    }
}

/// Compares without an early exit, so response time does not reveal how much of a guessed token was right.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
