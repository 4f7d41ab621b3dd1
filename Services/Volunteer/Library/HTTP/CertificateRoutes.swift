import Foundation
import Hummingbird
import KepuContracts
import KepuRuntime

/// Service-record certificates: issued and printed by whoever keeps the volunteer; verified by anyone with the code.
struct CertificateRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let client = context.client
        let logger = context.logger
        let queries = VolunteerQueries(client: client, logger: logger)
        let store = CertificateStore(client: client, logger: logger)

        admin.post("volunteers/:id/certificates") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            let identity = try await authorize(id, context, queries)
            guard let statement = try await store.issue(for: id, by: "\(identity.role.rawValue):\(identity.subject)") else {
                throw APIError.notFound("no such volunteer")
            }
            return EditedResponse(
                status: .created,
                response: IssuedCertificate(
                    code: statement.code, htmlPath: "/admin/certificates/\(statement.code)", verifyPath: "/certificates/\(statement.code)",
                    totalHours: statement.totalHours))
        }
        admin.get("certificates/:code") { _, context in
            let code = try context.parameters.requireIdentifier("code")
            guard let (statement, name) = try await store.certificate(code) else { throw APIError.notFound("no such certificate") }
            try await authorize(statement.volunteerId, context, queries)
            guard let html = CertificatePage.html(statement, name: name) else {
                throw APIError(.internalServerError, "the certificate template failed")
            }
            return TextDocument(contentType: "text/html; charset=utf-8", text: html)
        }
        router.get("certificates/:code") { _, context in
            let code = try context.parameters.requireIdentifier("code")
            guard let (statement, name) = try await store.certificate(code) else { throw APIError.notFound("no such certificate") }
            return CertificatePage.verification(statement, name: name)
        }
    }
}
