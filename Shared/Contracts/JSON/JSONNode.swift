/// A JSON value parsed in place: strings and numbers are ranges of the document's bytes, turned into Swift values
/// only when a decoder asks for them.
enum JSONNode: Sendable {
    /// The bytes between the quotes; `escaped` if they hold a backslash escape.
    case string(Range<Int>, escaped: Bool)
    /// `integer`: no fraction and no exponent.
    case number(Range<Int>, integer: Bool)
    case bool(Bool)
    case null
    case array([JSONNode])
    case object([JSONMember])
}

/// One `"key": value` of an object. `name` holds the key's unescaped UTF-8 when it was written with escapes.
struct JSONMember: Sendable {
    let key: Range<Int>
    let name: [UInt8]?
    let value: JSONNode
}

/// Why the fast path gave up: the document is not JSON, uses something it leaves to Foundation's decoder, or does
/// not fit the type. The caller then decodes with Foundation, whose result or error is the one that counts, unless
/// `rejection` says the document is refused whatever any parser makes of it.
struct JSONFastPathFailure: Error {
    var rejection: JSONRejection?
    init(_ rejection: JSONRejection? = nil) { self.rejection = rejection }
}

/// A document the suite refuses although it may be well-formed JSON: parsers disagree about it (a repeated key is
/// the first value to one reader and the last to another), or it is built to cost (nesting).
public enum JSONRejection: Error, Sendable, Hashable, CustomStringConvertible {
    case duplicateKey(String)
    case tooDeep(limit: Int)

    public var description: String {
        switch self {
        case .duplicateKey(let key): "duplicate key '\(key.prefix(64))'"
        case .tooDeep(let limit): "nested deeper than \(limit) levels"
        }
    }
}

/// A strict RFC 8259 parser over a document's bytes (UTF-8, validated once up front when not all ASCII).
struct JSONNodeParser {
    /// Deeper documents are refused: no payload of the suite nests more than a few levels.
    static let maxDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The document's one value, with nothing but whitespace around it.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONFastPathFailure) -> JSONNode {
        if bytes.contains(where: { $0 >= 0x80 }), String(validating: bytes, as: UTF8.self) == nil { throw JSONFastPathFailure() }
        var parser = JSONNodeParser(bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw JSONFastPathFailure() }
        return value
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONFastPathFailure) -> JSONNode {
        guard index < bytes.count else { throw JSONFastPathFailure() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""):
            let (range, escaped) = try string()
            return .string(range, escaped: escaped)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw JSONFastPathFailure()
        }
    }

    private mutating func object() throws(JSONFastPathFailure) -> JSONNode {
        let members = try elements(closedBy: UInt8(ascii: "}")) { parser throws(JSONFastPathFailure) in
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else { throw JSONFastPathFailure() }
            let (key, escaped) = try parser.string()
            // An escaped key may spell another key differently: compared (and looked up) by its unescaped bytes.
            let name = escaped ? try parser.unescaped(key) : nil
            parser.skipWhitespace()
            guard parser.consume(UInt8(ascii: ":")) else { throw JSONFastPathFailure() }
            parser.skipWhitespace()
            return JSONMember(key: key, name: name, value: try parser.value())
        }
        try rejectRepeatedKeys(members)
        return .object(members)
    }

    /// Throws the rejection for a key that occurs twice. Linear: small objects compare pairwise, larger ones by
    /// hash (a document of many distinct keys costs one pass, not a comparison of every pair).
    private func rejectRepeatedKeys(_ members: [JSONMember]) throws(JSONFastPathFailure) {
        func same(_ a: JSONMember, _ b: JSONMember) -> Bool {
            switch (a.name, b.name) {
            case (nil, nil): return sameBytes(a.key, b.key)
            case (let x?, nil): return x.elementsEqual(self.bytes[b.key])
            case (nil, let y?): return y.elementsEqual(self.bytes[a.key])
            case (let x?, let y?): return x == y
            }
        }
        func reject(_ member: JSONMember) -> JSONFastPathFailure {
            let key = member.name.map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: self.bytes[member.key], as: UTF8.self)
            return JSONFastPathFailure(.duplicateKey(key))
        }
        if members.count <= 8 {
            for index in members.indices.dropFirst() where members[..<index].contains(where: { same($0, members[index]) }) {
                throw reject(members[index])
            }
            return
        }
        var firstWithHash: [Int: Int] = [:]
        firstWithHash.reserveCapacity(members.count)
        for (index, member) in members.enumerated() {
            var hasher = Hasher()
            if let name = member.name {
                name.withUnsafeBytes { hasher.combine(bytes: $0) }
            } else {
                hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: self.bytes[member.key])))
            }
            let hash = hasher.finalize()
            guard let earlier = firstWithHash[hash] else {
                firstWithHash[hash] = index
                continue
            }
            // The same hash: the same key, or (rarely) a collision, resolved by comparing with every earlier key.
            if same(members[earlier], member) || members[..<index].contains(where: { same($0, member) }) { throw reject(member) }
        }
    }

    /// The UTF-8 of a string written with escapes (`\uXXXX` pairs joined; a lone surrogate becomes U+FFFD).
    private func unescaped(_ range: Range<Int>) throws(JSONFastPathFailure) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(range.count)
        var index = range.lowerBound
        func hex(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = bytes[at + offset]
                let digit: UInt8 =
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
                    default: byte - UInt8(ascii: "A") + 10
                    }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < range.upperBound {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                result.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex(index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= range.upperBound, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"), case let low = hex(index + 2), (0xDC00..<0xE000).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                result.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: result.append(escape) // " \\ /
            }
        }
        return result
    }

    private mutating func array() throws(JSONFastPathFailure) -> JSONNode {
        .array(try elements(closedBy: UInt8(ascii: "]")) { parser throws(JSONFastPathFailure) in try parser.value() })
    }

    /// At `{` or `[`: the comma-separated elements up to `close`, each read by `element` (at its first byte).
    private mutating func elements<Element>(
        closedBy close: UInt8, _ element: (inout JSONNodeParser) throws(JSONFastPathFailure) -> Element
    ) throws(JSONFastPathFailure) -> [Element] {
        depth += 1
        guard depth <= Self.maxDepth else { throw JSONFastPathFailure(.tooDeep(limit: Self.maxDepth)) }
        defer { depth -= 1 }
        index += 1 // the opening bracket
        var elements: [Element] = []
        skipWhitespace()
        if consume(close) { return elements }
        while true {
            skipWhitespace()
            elements.append(try element(&self))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(close) else { throw JSONFastPathFailure() }
            return elements
        }
    }

    /// At an opening quote: the range between the quotes, and whether it holds an escape.
    private mutating func string() throws(JSONFastPathFailure) -> (Range<Int>, Bool) {
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return (start..<(index - 1), escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                index += 1
                guard index < bytes.count else { throw JSONFastPathFailure() }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                    UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count, (1...4).allSatisfy({ Self.isHexDigit(bytes[index + $0]) }) else { throw JSONFastPathFailure() }
                    index += 5
                default: throw JSONFastPathFailure()
                }
            case 0..<0x20: throw JSONFastPathFailure() // control characters must be escaped
            default: index += 1
            }
        }
        throw JSONFastPathFailure()
    }

    private mutating func number() throws(JSONFastPathFailure) -> JSONNode {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        guard index < bytes.count else { throw JSONFastPathFailure() }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { throw JSONFastPathFailure() }
        }
        var integer = true
        if consume(UInt8(ascii: ".")) {
            integer = false
            guard digits() > 0 else { throw JSONFastPathFailure() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integer = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw JSONFastPathFailure() }
        }
        return .number(start..<index, integer: integer)
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    private mutating func literal(_ word: StaticString) throws(JSONFastPathFailure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw JSONFastPathFailure() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw JSONFastPathFailure() }
        index += count
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private func sameBytes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && bytes[a].elementsEqual(bytes[b])
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): true
        default: false
        }
    }
}
