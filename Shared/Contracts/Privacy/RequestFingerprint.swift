import Crypto
import Foundation

/// What a service keeps to tell a repeated request from a request id reused with other content: a SHA-256 of the
/// request as it arrived (its type and payload bytes), never the request itself (which can carry a name and a phone
/// number). A repeat is the same payload byte for byte, as in the IETF's Idempotency-Key draft (a checksum of the
/// request payload): hashing the bytes received is a few hundred nanoseconds, where re-encoding the decoded request
/// canonically was a tenth of booking's decoding time.
public struct RequestFingerprint: Sendable, Hashable {
    /// As stored: `p` and 64 hex digits. (A bare 64 digits is an older fingerprint of the request's canonical JSON.)
    public let stored: String

    static let prefix = "p"

    public init(type: String, payload: [UInt8]) {
        // Over the bytes where they are: no copy of the type or the payload per request.
        var hash = SHA256()
        var type = type
        type.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0)) { hash.update(bufferPointer: $0) }
        payload.withUnsafeBytes { hash.update(bufferPointer: $0) }
        stored = Self.prefix + Hex.encode(hash.finalize())
    }

    /// Whether a request with this fingerprint and `payload` repeats the one stored with `earlier`. A fingerprint
    /// stored before this scheme is compared with the request's canonical JSON, as it was made.
    public func repeats<Payload: Encodable>(_ earlier: String?, payload: Payload) -> Bool {
        guard let earlier else { return false }
        if earlier.hasPrefix(Self.prefix) { return earlier == stored }
        return earlier == (try? Self.of(canonicalJSON: CloudEvent.encodeData(payload)))
    }

    /// The older fingerprint: the SHA-256 of the request's canonical JSON (`CloudEvent.encodeData`: sorted keys).
    public static func of(canonicalJSON bytes: some DataProtocol) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }
}
