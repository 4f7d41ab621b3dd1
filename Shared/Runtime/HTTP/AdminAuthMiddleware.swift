import Hummingbird

/// The `/admin` group's gate: `Authorization: Bearer` with the static admin token or a signed admin token
/// (`AdminAuthenticator`), else 401. The caller's identity goes into the request context for the routes' role and
/// scope checks (`AdminIdentity.require`), and every write (any method but GET and HEAD) is recorded in the audit
/// log with the status it was answered with.
public struct AdminAuthMiddleware: RouterMiddleware {
    public typealias Context = KepuRequestContext

    let authenticator: AdminAuthenticator
    let audit: AdminAudit?

    public init(authenticator: AdminAuthenticator, audit: AdminAudit?) {
        self.authenticator = authenticator
        self.audit = audit
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let identity = await authenticator.identify(bearer: header.dropFirst(7))
        else {
            var response = Response(status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        var context = context
        context.identity = identity
        guard let audit, request.method != .get, request.method != .head else { return try await next(request, context) }
        let status: Int
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            await audit.record(identity, method: request.method.rawValue, path: request.uri.path, status: status)
            return response
        } catch {
            status = Int((error as? any HTTPResponseError)?.status.code ?? 500)
            await audit.record(identity, method: request.method.rawValue, path: request.uri.path, status: status)
            throw error
        }
    }
}
