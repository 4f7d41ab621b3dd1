import Crypto
import Foundation

/// What a service keeps to tell a repeated request from a request id reused with other content: the SHA-256 of the
/// request's canonical JSON, never the request itself (which can carry a name and a phone number).
public enum RequestFingerprint {
    public static func of(canonicalJSON bytes: some DataProtocol) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    /// The fingerprint of a payload encoded the suite's way (`CloudEvent.encodeData`: sorted keys).
    public static func of<Payload: Encodable>(_ payload: Payload) throws -> String {
        of(canonicalJSON: try CloudEvent.encodeData(payload))
    }
}
