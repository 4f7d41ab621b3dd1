import Foundation
import Hummingbird
import HummingbirdTesting
import KepuRuntime
import Logging
import PostgresNIO

/// In-process route tests: a service's routes (HummingbirdTesting's router framework, no socket, no broker) over a
/// fresh database migrated as the service's. Every response is held to the service's OpenAPI document
/// (`DocumentedClient`): one the document does not describe fails the request.
public enum RouteTesting {
    public static let adminToken = "route-test-admin-token"
    /// The secret of the signed admin tokens route tests use (`RouteTesting.token`).
    public static let jwtSecret = "route-test-jwt-secret-0123456789abcdef"

    /// A signed admin token for `role` over `scope`.
    public static func token(_ role: AdminRole, scope: String, subject: String = "tester") async throws -> String {
        try await AdminAuthenticator.sign(AdminClaims(subject: subject, role: role, scope: scope, lifetime: 3600), secret: jwtSecret)
    }

    public static func withRoutes(
        of definition: ServiceDefinition, _ body: @escaping @Sendable (any TestClientProtocol, PostgresClient) async throws -> Void
    ) async throws {
        try await TestPostgres.withServiceDatabase(component: definition.name.rawValue, migrations: definition.migrations) { client in
            let authenticator = await AdminAuthenticator(staticToken: adminToken, jwtSecret: jwtSecret)
            let router = definition.routes.router(
                authenticator: authenticator, context: RouteContext(client: client, logger: Logger(label: "test.routes")))
            let document = try OpenAPIDocument.load(service: folder(of: definition))
            try await Application(router: router).test(.router) { http in try await body(DocumentedClient(http, document: document), client) }
        }
    }
}

/// The folder under `Services/` of a service (`outreach-events` → `OutreachEvents`).
public func folder(of definition: ServiceDefinition) -> String {
    definition.name.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
}

extension TestClientProtocol {
    /// One request, JSON in and the status and JSON object out.
    public func json(
        _ method: HTTPRequest.Method, _ uri: String, admin: Bool = false, headers: HTTPFields = [:], body: String? = nil
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any]) {
        var headers = headers
        if admin { headers[.authorization] = "Bearer \(RouteTesting.adminToken)" }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (response.status, object)
    }
}

extension TestClientProtocol {
    /// A request with a signed admin token (`RouteTesting.token`).
    public func json(_ method: HTTPRequest.Method, _ uri: String, bearer: String, body: String? = nil) async throws -> (
        status: HTTPResponse.Status, json: [String: Any]
    ) {
        try await json(method, uri, headers: [.authorization: "Bearer \(bearer)"], body: body)
    }
}
