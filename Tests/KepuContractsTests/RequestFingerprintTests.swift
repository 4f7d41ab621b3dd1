import Foundation
import KepuContracts
import Testing

@Suite("Request fingerprints")
struct RequestFingerprintTests {
    let payload =
        #"{"claimTokenHash":"\#(ClaimToken.hash("t"))","party":{"kind":"individual","residentId":"r-1","seats":1},"requestId":"req-1","sessionId":"s"}"#

    @Test("the same type and bytes repeat; other bytes, another type or nothing stored do not")
    func repeatsByBytes() throws {
        let request = try CloudEvent.decodePayload(SeatsRequested.self, from: Array(payload.utf8))
        let first = RequestFingerprint(type: BookingRequestType.seatsRequested, payload: Array(payload.utf8))
        #expect(first.stored.hasPrefix("p") && first.stored.count == 65)
        #expect(first.repeats(first.stored, payload: request))
        let again = RequestFingerprint(type: BookingRequestType.seatsRequested, payload: Array(payload.utf8))
        #expect(again.repeats(first.stored, payload: request))
        let other = RequestFingerprint(
            type: BookingRequestType.seatsRequested, payload: Array(payload.replacingOccurrences(of: "\"seats\":1", with: "\"seats\":2").utf8))
        #expect(!other.repeats(first.stored, payload: request))
        let otherType = RequestFingerprint(type: BookingRequestType.cancellationRequested, payload: Array(payload.utf8))
        #expect(!otherType.repeats(first.stored, payload: request))
        #expect(!first.repeats(nil, payload: request))
    }

    @Test("a fingerprint stored before the byte scheme is compared with the request's canonical JSON")
    func olderFingerprints() throws {
        let request = try CloudEvent.decodePayload(SeatsRequested.self, from: Array(payload.utf8))
        let stored = RequestFingerprint.of(canonicalJSON: try CloudEvent.encodeData(request))
        // Sent again with its keys in another order: the older scheme saw the same request.
        let reordered =
            #"{"requestId":"req-1","sessionId":"s","party":{"seats":1,"kind":"individual","residentId":"r-1"},"claimTokenHash":"\#(ClaimToken.hash("t"))"}"#
        let resent = RequestFingerprint(type: BookingRequestType.seatsRequested, payload: Array(reordered.utf8))
        #expect(resent.repeats(stored, payload: try CloudEvent.decodePayload(SeatsRequested.self, from: Array(reordered.utf8))))
        let changed = try CloudEvent.decodePayload(
            SeatsRequested.self, from: Array(payload.replacingOccurrences(of: "\"seats\":1", with: "\"seats\":2").utf8))
        #expect(!resent.repeats(stored, payload: changed))
    }
}
