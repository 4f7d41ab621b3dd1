import ArgumentParser
import Foundation
import KepuContracts
import KepuRuntime

/// `kepu token`: a signed admin token for local use (the city's identity service issues them in production, with
/// the same secret).
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a signed admin token (HS256 with $KEPU_JWT_SECRET) carrying a role and a unit scope.",
        discussion: """
            Roles: \(AdminRole.issuable.map(\.rawValue).joined(separator: ", ")). The scope is a unit or site id: the holder acts on \
            what lies at and under it (a district admin: --scope sz.futian; a site operator: its site's id; a provider: its \
            provider id; a team leader: its team id).
            Example: curl -H "Authorization: Bearer $(kepu token --role district_admin --scope sz.futian)" ...
            """)

    @Option(help: "The role.") var role: String
    @Option(help: "The unit or site id the holder acts within (the city admin: the city's id).") var scope: String
    @Option(help: "Who the token is for (recorded in the audit log).") var subject = ProcessInfo.processInfo.environment["USER"] ?? "kepu-token"
    @Option(help: "Hours until it expires (at most 744, 31 days).") var hours = 8
    @Option(help: "The signing secret (default: $KEPU_JWT_SECRET, as kepu dev sets it).") var secret: String?

    func run() async throws {
        guard let role = AdminRole(rawValue: role), AdminRole.issuable.contains(role) else {
            throw ValidationError("role must be one of \(AdminRole.issuable.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...744).contains(hours) else { throw ValidationError("hours must be 1...744") }
        do {
            try FieldLimit.check(scope, "scope", max: FieldLimit.identifier)
            try FieldLimit.check(subject, "subject", max: FieldLimit.identifier)
        } catch {
            throw ValidationError("\(error)")
        }
        guard let secret = secret ?? ProcessInfo.processInfo.environment["KEPU_JWT_SECRET"], secret.utf8.count >= 32 else {
            throw ValidationError("no signing secret of at least 32 characters: pass --secret or set KEPU_JWT_SECRET")
        }
        let claims = AdminClaims(subject: subject, role: role, scope: scope, lifetime: TimeInterval(hours * 3600))
        print(try await AdminAuthenticator.sign(claims, secret: secret))
    }
}
