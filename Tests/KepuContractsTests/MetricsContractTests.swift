import Foundation
import KepuContracts
import KepuTestSupport
import Testing

/// The metrics messages in the AsyncAPI document: examples decode into the Swift types, what the service publishes
/// (the hand-written snapshot JSON, the `Codable` alerts) validates, and the topics carry the registry's types.
@Suite("Metrics contracts")
struct MetricsContractTests {
    var validator: JSONSchemaValidator { JSONSchemaValidator(root: AsyncAPIDocumentTests.document) }

    func examples(_ message: String) throws -> (schema: [String: Any], payloads: [Any]) {
        let resolved = validator.resolve("#/components/messages/\(message)")
        let schema = try #require(resolved["payload"] as? [String: Any])
        let examples = try #require(resolved["examples"] as? [[String: Any]])
        return (schema, try examples.map { try #require($0["payload"]) })
    }

    @Test("snapshot: the example decodes, and the hand-written JSON decodes to the same value and validates")
    func snapshot() throws {
        let (schema, payloads) = try examples("MetricSnapshot")
        for payload in payloads {
            #expect(validator.validate(payload, against: schema).isEmpty)
            let snapshot = try CloudEvent.jsonDecoder.decode(MetricSnapshot.self, from: try JSONSerialization.data(withJSONObject: payload))
            let written = snapshot.jsonBytes
            #expect(try CloudEvent.jsonDecoder.decode(MetricSnapshot.self, from: Data(written)) == snapshot)
            #expect(validator.validate(try JSONSerialization.jsonObject(with: Data(written)), against: schema).isEmpty)
        }
        // Milliseconds survive, odd characters are escaped, a count has no numerator.
        let odd = MetricSnapshot(
            unitId: "a\"b\\c\n\r\t\u{1}\u{1F}王", unitLevel: "site", unitPath: ["sz", "a\"b\\c\n"], periodKind: "day", periodKey: "2026-11-29",
            kpi: "check_ins", value: 3,
            asOf: Date(timeIntervalSince1970: 1_796_000_000.123), pendingSince: Date(timeIntervalSince1970: 1_795_999_999.007))
        let decoded = try CloudEvent.jsonDecoder.decode(MetricSnapshot.self, from: Data(odd.jsonBytes))
        #expect(decoded.unitId == odd.unitId && decoded.unitPath == odd.unitPath && decoded.numerator == nil)
        #expect(abs(decoded.asOf.timeIntervalSince1970 - 1_796_000_000.123) < 0.0011, "milliseconds, truncated")
        #expect(abs((decoded.pendingSince?.timeIntervalSince1970 ?? 0) - 1_795_999_999.007) < 0.0011)
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_798_761_599.999)) == "2026-12-31T23:59:59.999Z")
    }

    @Test("alerts: the examples decode, and the Swift encoding validates", arguments: ["AlertRaised", "AlertResolved"])
    func alert(_ message: String) throws {
        let (schema, payloads) = try examples(message)
        for payload in payloads {
            #expect(validator.validate(payload, against: schema).isEmpty)
            let alert = try CloudEvent.jsonDecoder.decode(WeakSpotAlert.self, from: try JSONSerialization.data(withJSONObject: payload))
            let encoded = try JSONSerialization.jsonObject(with: try CloudEvent.jsonEncoder.encode(alert))
            #expect(validator.validate(encoded, against: schema).isEmpty)
        }
    }

    @Test("each metrics topic's messages are exactly the event types the registry lists")
    func typesMatchRegistry() throws {
        let channels = AsyncAPIDocumentTests.document["channels"] as? [String: [String: Any]] ?? [:]
        for topic in [Topics.metricSnapshots, Topics.metricAlerts] {
            let channel = try #require(channels.values.first { $0["address"] as? String == topic.name })
            let references = (channel["messages"] as? [String: [String: String]] ?? [:]).values.compactMap { $0["$ref"] }
            let types = references.compactMap { validator.resolve($0)["x-ce-type"] as? String }
            #expect(Set(types) == Set(topic.eventTypes), "\(topic.name)")
        }
    }
}

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test("the arithmetic formatter writes what Foundation's ISO 8601 style writes (but not a millisecond early), and it parses back")
    func sameAsFoundation() {
        var state: UInt64 = 7
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let date = Date(timeIntervalSince1970: Double(state % 4_000_000_000_000) / 1000 - 100_000_000)
            // Foundation truncates the binary value, so for about a third of these times it writes the millisecond
            // before the one the time was made from; ours writes that one (see the next test).
            let foundation = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            #expect(RFC3339.format(date) == foundation || RFC3339.format(date.addingTimeInterval(-0.001)) == foundation, "\(foundation)")
            #expect(RFC3339.parse(RFC3339.format(date)).map { abs($0.timeIntervalSince(date)) < 0.0011 } == true)
        }
    }

    @Test("a time in whole milliseconds is written with those milliseconds, though its binary value is a hair below them")
    func wholeMilliseconds() {
        // 1_796_031_316.081 is 1_796_031_316.080_999_9… as a Double: truncated directly it was written as .080 (a
        // snapshot's pendingSince then named a millisecond before its oldest event).
        #expect(RFC3339.format(Date(timeIntervalSince1970: Double(1_796_031_316_081) / 1000)) == "2026-11-30T09:35:16.081Z")
        var state: UInt64 = 11
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let milliseconds = Int64(state % 4_000_000_000_000) - 100_000_000_000
            let written = RFC3339.parse(RFC3339.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000)))
            #expect(written.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == milliseconds)
        }
        // Still truncated, not rounded: .0819 is .081.
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_796_031_316.0819)) == "2026-11-30T09:35:16.081Z")
    }

    @Test("the arithmetic parser reads what Foundation's ISO 8601 styles read: fractions, offsets, lower case")
    func parsesLikeFoundation() throws {
        let plain = Date.ISO8601FormatStyle()
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for text in ["2026-11-29T09:30:00Z", "2024-02-29T23:59:59+08:00", "1999-12-31T16:00:00-05:30", "2026-01-01T00:00:00+00:00"] {
            #expect(RFC3339.parse(text) == (try plain.parse(text)), "\(text)")
        }
        for text in ["2026-11-29T09:30:00.250Z", "2026-11-29T17:30:00.5+08:00", "2026-03-01T00:00:00.999Z"] {
            let ours = try #require(RFC3339.parse(text), "\(text)")
            #expect(abs(ours.timeIntervalSince(try fractional.parse(text))) < 0.000_001, "\(text)")
        }
        #expect(RFC3339.parse("2026-11-29t09:30:00z") == RFC3339.parse("2026-11-29T09:30:00Z"))
        #expect(RFC3339.parse("2026-11-29T09:30:00.123456789Z").map { abs($0.timeIntervalSince1970 - 1_795_944_600.123_456_789) < 0.000_001 } == true)
    }

    @Test(
        "the parser rejects what is not an RFC 3339 time",
        arguments: [
            "", "2026-11-29", "2026-11-29T09:30:00", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-29T24:00:00Z",
            "2026-11-29T09:60:00Z", "2026-11-29 09:30:00Z", "2026-11-29T09:30:00.Z", "2026-11-29T09:30:00+0800", "2026-11-29T09:30:00Zjunk",
            "26-11-29T09:30:00Z", "2026-11-29T09:30:00+08", "tomorrow",
        ])
    func rejects(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}
