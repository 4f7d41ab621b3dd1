import Foundation
import JWTKit

/// Who an `Authorization: Bearer` header names: the static admin token (break-glass), or a signed admin token
/// when `KEPU_JWT_SECRET` is set. Anything else is nobody.
public struct AdminAuthenticator: Sendable {
    let staticToken: [UInt8]
    let keys: JWTKeyCollection?

    /// - Parameters:
    ///   - staticToken: `KEPU_ADMIN_TOKEN`.
    ///   - jwtSecret: `KEPU_JWT_SECRET`; nil accepts no signed tokens.
    public init(staticToken: String, jwtSecret: String?) async {
        self.staticToken = Array(staticToken.utf8)
        if let jwtSecret {
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: jwtSecret), digestAlgorithm: .sha256)
            self.keys = keys
        } else {
            keys = nil
        }
    }

    /// Only the static token (no signed tokens), without waiting: for building a router whose routes never run.
    init(unsignedStaticToken token: String) {
        staticToken = Array(token.utf8)
        keys = nil
    }

    /// The caller, or nil.
    public func identify(bearer token: Substring) async -> AdminIdentity? {
        if constantTimeEquals(Array(token.utf8), staticToken) { return .breakGlass }
        // A JWT is three base64url parts; anything longer than a few KB is not one of ours.
        guard let keys, token.utf8.count <= 4096, token.contains(".") else { return nil }
        return try? await keys.verify(String(token), as: AdminClaims.self).identity
    }

    /// A signed token (for `kepu token` and tests).
    public static func sign(_ claims: AdminClaims, secret: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        return try await keys.sign(claims)
    }
}

/// Compares without an early exit, so response time does not reveal how much of a guessed token was right.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a, b) { difference |= x ^ y }
    return difference == 0
}
