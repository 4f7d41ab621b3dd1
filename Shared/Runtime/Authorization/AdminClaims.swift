import Foundation
import JWTKit
import KepuContracts

/// The claims of a signed admin token (HS256 with `KEPU_JWT_SECRET`): subject, role, unit scope, issued and
/// expiry times. Issued by `kepu token` or by the city's identity service with the same secret.
public struct AdminClaims: JWTPayload, Equatable {
    public static let issuer = "kepu"
    /// The longest a token may live (a shift, not a career).
    public static let maximumLifetime: TimeInterval = 31 * 86400

    public var sub: SubjectClaim
    public var iss: IssuerClaim
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim
    public var role: String
    public var scope: String

    public init(subject: String, role: AdminRole, scope: String, issuedAt: Date = Date(), lifetime: TimeInterval) {
        sub = SubjectClaim(value: subject)
        iss = IssuerClaim(value: Self.issuer)
        iat = IssuedAtClaim(value: issuedAt)
        exp = ExpirationClaim(value: issuedAt.addingTimeInterval(lifetime))
        self.role = role.rawValue
        self.scope = scope
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == Self.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "not issued for kepu") }
        guard exp.value.timeIntervalSince(iat.value) <= Self.maximumLifetime else {
            throw JWTError.claimVerificationFailure(failedClaim: exp, reason: "lives longer than \(Int(Self.maximumLifetime / 86400)) days")
        }
        guard let role = AdminRole(rawValue: role), AdminRole.issuable.contains(role) else {
            throw JWTError.claimVerificationFailure(failedClaim: exp, reason: "unknown role")
        }
        try Self.checkText(sub.value, "sub")
        try Self.checkText(scope, "scope")
    }

    static func checkText(_ value: String, _ name: String) throws {
        do {
            try FieldLimit.check(value, name, max: FieldLimit.identifier)
        } catch {
            throw JWTError.generic(identifier: name, reason: error.description)
        }
    }

    var identity: AdminIdentity? {
        AdminRole(rawValue: role).map { AdminIdentity(subject: sub.value, role: $0, scope: scope) }
    }
}
