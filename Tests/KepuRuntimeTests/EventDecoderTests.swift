import Foundation
import KepuContracts
import KepuRuntime
import Testing

/// The runtime's declarative decoding: the table's types, its aliases, and the poison codes for the rest.
@Suite("Event decoder")
struct EventDecoderTests {
    struct Ping: Decodable, Sendable { let n: Int }

    enum Input: Equatable {
        case ping(Int)
        case ignored
        case answered(String)
    }

    static let decoder = EventDecoder<Input>(
        [.on("kepu.test.ping.v2", as: Ping.self) { .ping($0.n) }, .ignore("kepu.test.noise.v1") { .ignored }],
        aliases: ["kepu.test.ping.v1": "kepu.test.ping.v2"])

    func event(_ type: String, _ json: String) -> CloudEvent { CloudEvent(source: "/tests", type: type, data: Array(json.utf8)) }

    @Test("a type of the table decodes into its input; an alias reads as its successor; an ignored type is not read")
    func table() throws {
        #expect(try Self.decoder.decode(event("kepu.test.ping.v2", #"{"n":3}"#)) == .ping(3))
        #expect(try Self.decoder.decode(event("kepu.test.ping.v1", #"{"n":4,"old":true}"#)) == .ping(4))
        #expect(try Self.decoder.decode(event("kepu.test.noise.v1", "not even JSON")) == .ignored)
        #expect(Self.decoder.types == ["kepu.test.ping.v2", "kepu.test.ping.v1", "kepu.test.noise.v1"])
    }

    @Test("an unknown type is poison with unknown_type, an undecodable payload with invalid_payload, unless answered")
    func poison() {
        do {
            _ = try Self.decoder.decode(event("kepu.test.pong.v1", "{}"))
            Issue.record("an unknown type decoded")
        } catch {
            #expect(error.code == "unknown_type")
        }
        do {
            _ = try Self.decoder.decode(event("kepu.test.ping.v2", #"{"n":"three"}"#))
            Issue.record("a wrong payload decoded")
        } catch {
            #expect(error.code == "invalid_payload" && error.reason.contains("kepu.test.ping.v2"))
        }
        let answering = EventDecoder<Input>([.on("kepu.test.ping.v2", as: Ping.self) { .ping($0.n) }]) { event, _ in .answered(event.type) }
        #expect((try? answering.decode(event("kepu.test.ping.v2", "{}"))) == .answered("kepu.test.ping.v2"))
    }
}
