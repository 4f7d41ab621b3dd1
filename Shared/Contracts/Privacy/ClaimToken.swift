import Crypto
import Foundation

/// Proof that whoever asks to cancel, check in or look up a booking is whoever made it (领取凭证).
///
/// The frontend draws a random token when it sends the request, keeps it with the resident (shown as a QR code at
/// the door), and sends only its SHA-256 (`claimTokenHash`). Booking stores the hash and never publishes it or the
/// token; a cancellation, a check-in or `GET /bookings/{id}` presents the token itself. A reader of the events topic
/// therefore learns nothing that authorises an action, and a reader of the requests topic learns a hash.
public enum ClaimToken {
    /// Bytes of a token: enough for a QR code, and far more than the 16 random bytes `generate()` encodes.
    public static let maxLength = 128

    /// 32 random bytes, base64url without padding (43 characters).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            let word: UInt64 = generator.next()
            withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The lowercase hex SHA-256 of the token's UTF-8 bytes: what a request carries and booking stores.
    public static func hash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }

    /// Checks a `claimTokenHash` field: exactly 64 lowercase hex digits.
    public static func checkHash(_ value: String, _ field: String) throws(ContractViolation) {
        guard value.utf8.count == 64, value.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw ContractViolation(field: field, "must be the SHA-256 of the claim token, 64 lowercase hex digits")
        }
    }

    /// Checks a `claimToken` field: 1...128 bytes, no control characters.
    public static func checkToken(_ value: String, _ field: String) throws(ContractViolation) {
        try FieldLimit.check(value, field, max: maxLength)
    }
}

/// Lowercase hex of a digest.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Once per request (its fingerprint): the digits are made once, the text reserved at its final size.
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
