import Foundation
import KepuContracts
import Testing

@testable import BookingService

/// Booking ids and claim tokens: their documented shape, and random enough not to repeat.
@Suite("Booking ids and claim tokens")
struct BookingIdentifierTests {
    @Test("a booking id is bk_ and 16 lowercase hex digits; a claim token is 43 base64url characters and its hash SHA-256 hex")
    func shapes() throws {
        let hex = Set("0123456789abcdef")
        let base64url = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var ids = Set<String>()
        var tokens = Set<String>()
        for _ in 0..<2000 {
            let id = BookingDecisions.newBookingId()
            #expect(id.hasPrefix("bk_") && id.count == 19 && id.dropFirst(3).allSatisfy(hex.contains), "\(id)")
            ids.insert(id)
            let token = ClaimToken.generate()
            #expect(token.count == 43 && token.allSatisfy(base64url.contains), "\(token)")
            tokens.insert(token)
        }
        #expect(ids.count == 2000)
        #expect(tokens.count == 2000, "256 random bits never repeat in 2000 draws")
        // Every symbol turns up in the first position over 2000 tokens (each is missing with probability ~2e-14).
        #expect(Set(tokens.map { $0.first ?? " " }) == base64url)

        // The hash frontends compute: SHA-256 of the token's UTF-8, lowercase hex (checked against a known digest).
        #expect(ClaimToken.hash("t") == "e3b98a4da31a127d4bde6e43033f66ba274cab0eb7eb1c70ec41402bf6273dd8")
        try ClaimToken.checkHash(ClaimToken.hash("t"), "claimTokenHash")
        #expect(throws: ContractViolation.self) { try ClaimToken.checkHash(ClaimToken.hash("t").uppercased(), "claimTokenHash") }
        #expect(throws: ContractViolation.self) { try ClaimToken.checkHash("t", "claimTokenHash") }
    }
}
