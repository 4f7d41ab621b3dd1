import Foundation

/// Decodes a payload from its bytes without Foundation's `JSONDecoder`, which was the largest cost per record in
/// the consumers (a string-keyed dictionary per object, a coding path per value). It handles what the suite's
/// payloads use — objects, arrays, unescaped strings, numbers, booleans, null, RFC 3339 dates — and reports
/// anything else, and every error, as `JSONFastPathFailure`: `CloudEvent.decodeData` then decodes with Foundation,
/// so results and error messages are Foundation's whenever the fast path does not succeed.
enum JSONFastPath {
    /// Throws `JSONFastPathFailure`; with a `rejection` when the document is refused outright (the caller must not
    /// fall back to Foundation then, which would accept it).
    ///
    /// With `closedFields`, a field the payload does not define throws a `ContractViolation` (checked on the parsed
    /// document, before decoding).
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], closedFields: PayloadFields? = nil) throws -> T {
        let root = try bytes.withUnsafeBufferPointer { buffer throws(JSONFastPathFailure) in try JSONNodeParser.parse(buffer) }
        if let closedFields, let unknown = unknownField(in: root, bytes: bytes, closedFields) { throw ContractViolation.unknownField(unknown) }
        return try JSONNodeDecoder(bytes: bytes, node: root).decode(T.self)
    }

    /// Throws the rejection if the document is JSON the suite refuses (a repeated key, deep nesting); returns
    /// whether the fast parser read it at all (false: not JSON, or left to Foundation).
    static func check(_ bytes: [UInt8]) throws(JSONRejection) -> Bool {
        do {
            _ = try bytes.withUnsafeBufferPointer { buffer throws(JSONFastPathFailure) in try JSONNodeParser.parse(buffer) }
            return true
        } catch {
            if let rejection = error.rejection { throw rejection }
            return false
        }
    }
}

/// A `Decoder` over one parsed value. Coding paths are always empty: its errors are never shown (Foundation's are).
struct JSONNodeDecoder: Decoder, SingleValueDecodingContainer {
    let bytes: [UInt8]
    let node: JSONNode

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else { throw JSONFastPathFailure() }
        return KeyedDecodingContainer(JSONKeyedContainer<Key>(bytes: bytes, members: members))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = node else { throw JSONFastPathFailure() }
        return JSONUnkeyedContainer(bytes: bytes, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: Values

    func decodeNil() -> Bool {
        if case .null = node { true } else { false }
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let value) = node else { throw JSONFastPathFailure() }
        return value
    }

    func decode(_ type: String.Type) throws -> String {
        // Escapes are rare in the suite's payloads; unescaping is left to Foundation.
        guard case .string(let range, escaped: false) = node else { throw JSONFastPathFailure() }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard case .number(let range, _) = node, let value = Double(String(decoding: bytes[range], as: UTF8.self)), value.isFinite else {
            throw JSONFastPathFailure()
        }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float { throw JSONFastPathFailure() }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self {
            // As `CloudEvent.jsonDecoder`'s date strategy: an RFC 3339 string.
            guard case .string(let range, escaped: false) = node,
                let date = bytes.withUnsafeBufferPointer({ RFC3339.parse(bytes: UnsafeBufferPointer(rebasing: $0[range])) }), let value = date as? T
            else { throw JSONFastPathFailure() }
            return value
        }
        if T.self == String.self, let value = try decode(String.self) as? T { return value }
        // Foundation gives these JSON forms of its own.
        if T.self == Data.self || T.self == URL.self || T.self == Decimal.self { throw JSONFastPathFailure() }
        return try T(from: self)
    }

    /// A whole number that fits `T` exactly; fractions and exponents are left to Foundation.
    private func integer<T: FixedWidthInteger>() throws -> T {
        guard case .number(let range, integer: true) = node else { throw JSONFastPathFailure() }
        var index = range.lowerBound
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var magnitude: UInt64 = 0
        while index < range.upperBound {
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[index] &- UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw JSONFastPathFailure() }
            magnitude = sum
            index += 1
        }
        if negative {
            guard magnitude <= UInt64(Int64.max), let value = T(exactly: -Int64(magnitude)) else { throw JSONFastPathFailure() }
            return value
        }
        guard let value = T(exactly: magnitude) else { throw JSONFastPathFailure() }
        return value
    }
}

/// An object's members, found by comparing the key's UTF-8 with the member's bytes (objects are small: a linear
/// search beats hashing every key into a dictionary).
struct JSONKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let bytes: [UInt8]
    let members: [JSONMember]

    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { members.compactMap { Key(stringValue: String(decoding: $0.name ?? Array(bytes[$0.key]), as: UTF8.self)) } }

    func contains(_ key: Key) -> Bool { member(key) != nil }

    private func member(_ key: Key) -> JSONNode? {
        var name = key.stringValue
        return name.withUTF8 { name in
            bytes.withUnsafeBufferPointer { bytes in
                members.first { member in
                    if let unescaped = member.name { return unescaped.elementsEqual(name) }
                    return member.key.count == name.count && name.elementsEqual(bytes[member.key])
                }?.value
            }
        }
    }

    private func value(_ key: Key) throws -> JSONNodeDecoder {
        guard let node = member(key) else { throw JSONFastPathFailure() }
        return JSONNodeDecoder(bytes: bytes, node: node)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(key).decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try value(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try value(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { throw JSONFastPathFailure() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw JSONFastPathFailure() }
}

/// An array's elements, in order.
struct JSONUnkeyedContainer: UnkeyedDecodingContainer {
    let bytes: [UInt8]
    let elements: [JSONNode]
    private(set) var currentIndex = 0

    init(bytes: [UInt8], elements: [JSONNode]) {
        self.bytes = bytes
        self.elements = elements
    }

    var codingPath: [any CodingKey] { [] }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next<T>(_ body: (JSONNodeDecoder) throws -> T) throws -> T {
        guard !isAtEnd else { throw JSONFastPathFailure() }
        let value = try body(JSONNodeDecoder(bytes: bytes, node: elements[currentIndex]))
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw JSONFastPathFailure() }
        guard case .null = elements[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.decode(type) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try $0.decode(type) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try $0.decode(type) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try $0.decode(type) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next { try $0.decode(type) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next { try $0.unkeyedContainer() } }
    mutating func superDecoder() throws -> any Decoder { throw JSONFastPathFailure() }
}
