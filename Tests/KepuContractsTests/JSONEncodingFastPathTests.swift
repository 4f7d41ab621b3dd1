import Foundation
import Testing

@testable import KepuContracts

/// The encoding fast path must write exactly the bytes Foundation's encoder writes (fingerprints of requests
/// stored before it existed are compared with fingerprints written by it), and leave to Foundation what it
/// does not write itself. Every booking example is encoded again in `JSONFastPathTests.examples`.
@Suite("JSON encoding fast path")
struct JSONEncodingFastPathTests {
    /// Foundation's bytes and the fast path's, for the same value (`nil` when the fast path gave up).
    static func encodings<T: Encodable>(_ value: T) throws -> (foundation: String, fast: String?) {
        let foundation = String(decoding: try CloudEvent.jsonEncoder.encode(value), as: UTF8.self)
        let fast = (try? JSONFastPath.encode(value)).map { String(decoding: $0, as: UTF8.self) }
        return (foundation, fast)
    }

    struct Everything: Encodable {
        var text: String
        var date: Date
        var flag: Bool
        var small: Int8
        var signed: Int
        var unsigned: UInt64
        var missing: String?
        var present: Int?
        var list: [String]
        var table: [String: Int]
        var nested: [[String: [Int]]]
        var nothing: Nothing
        var explicitNull: ExplicitNull
    }

    /// Encodes nothing at all (Foundation writes `{}`).
    struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }

    /// `encodeNil` by hand, and a key written twice (the last value counts).
    struct ExplicitNull: Encodable {
        enum CodingKeys: String, CodingKey { case a, b }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeNil(forKey: .a)
            try container.encode(1, forKey: .b)
            try container.encode(2, forKey: .b)
        }
    }

    static var controlCharacters: String {
        var text = ""
        for byte in 0..<0x20 { text.unicodeScalars.append(Unicode.Scalar(UInt8(byte))) }
        return text
    }

    @Test(
        "strings, dates, integers, optionals, arrays, sorted keys, nesting: the same bytes as Foundation's",
        arguments: [
            "plain", "", controlCharacters, #"quote " backslash \ slash / "#, "王老师 é 😀 \u{7F} \u{2028}",
        ],
        [
            0, 1_793_462_400.987, -1.5, 4_102_444_799.9999,
        ])
    func values(_ text: String, _ seconds: Double) throws {
        let value = Everything(
            text: text, date: Date(timeIntervalSince1970: seconds), flag: seconds > 0, small: -128, signed: Int.min, unsigned: UInt64.max,
            missing: nil, present: 7, list: [text, "b"], table: ["b": 1, "a": 2, "B": 3, "é": 4, "aa": 5, text: 6],
            nested: [["y": [1, 2], "x": []], [:]], nothing: Nothing(), explicitNull: ExplicitNull())
        let (foundation, fast) = try Self.encodings(value)
        #expect(fast == foundation)
    }

    @Test("floating-point numbers are left to Foundation; encodeData still writes Foundation's bytes")
    func floatingPoint() throws {
        struct Rate: Encodable { let share: Double }
        let (foundation, fast) = try Self.encodings(Rate(share: 0.25))
        #expect(fast == nil)
        #expect(String(decoding: try CloudEvent.encodeData(Rate(share: 0.25)), as: UTF8.self) == foundation)
    }
}
