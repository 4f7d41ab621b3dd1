import Foundation

extension JSONFastPath {
    /// The bytes `CloudEvent.jsonEncoder` writes for `value`, without Foundation's `JSONEncoder` (a coding path, an
    /// options struct and a dictionary per value made it the largest cost of deciding a booking request: the
    /// request's fingerprint and the outcome event are both encoded). Sorted keys (by UTF-8 bytes), unescaped
    /// slashes, Foundation's string escapes, dates as ISO 8601 in whole seconds (UTC), `{}` for a value that
    /// encodes nothing. Floating-point numbers, `Data`, `URL` and `Decimal` — Foundation has JSON forms of its own
    /// for them — throw `JSONFastPathFailure`, and the caller encodes with Foundation.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = JSONBox()
        try JSONBoxEncoder(box: root).encodeValue(value)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        root.write(to: &bytes)
        return bytes
    }
}

/// One value being encoded: a scalar, an object's members or an array's elements (whichever the value asked for).
/// A reference, because containers are values handed out while their parent goes on encoding.
final class JSONBox {
    enum Scalar {
        case string(String)
        case integer(Int64)
        case unsigned(UInt64)
        case bool(Bool)
        case null
    }

    var scalar: Scalar?
    var members: [(key: String, value: JSONBox)]?
    var elements: [JSONBox]?

    /// The member box for `key`. A key given twice keeps its last value, as Foundation does; that is sorted out
    /// when written, not by searching the members at every key.
    func member(_ key: String) -> JSONBox {
        let box = JSONBox()
        members?.append((key, box))
        return box
    }

    func appendElement() -> JSONBox {
        let box = JSONBox()
        elements?.append(box)
        return box
    }

    func write(to bytes: inout [UInt8]) {
        if let members {
            bytes.append(UInt8(ascii: "{"))
            // By key (UTF-8 bytes), then in the order given, so the last of a repeated key is the one written.
            let sorted = members.enumerated().sorted {
                $0.element.key == $1.element.key ? $0.offset < $1.offset : $0.element.key.utf8.lexicographicallyPrecedes($1.element.key.utf8)
            }
            var first = true
            for (index, (_, member)) in sorted.enumerated() where index + 1 == sorted.count || sorted[index + 1].element.key != member.key {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                JSONText.appendQuoted(member.key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                member.value.write(to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        } else if let elements {
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                element.write(to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        } else {
            switch scalar {
            case .string(let text): JSONText.appendQuoted(text, to: &bytes)
            case .integer(let value): JSONText.appendInteger(value, to: &bytes)
            case .unsigned(let value): bytes.append(contentsOf: String(value).utf8)
            case .bool(let value): JSONText.appendRaw(value ? "true" : "false", to: &bytes)
            case .null: JSONText.appendRaw("null", to: &bytes)
            // Nothing was encoded: Foundation writes an empty object.
            case nil: JSONText.appendRaw("{}", to: &bytes)
            }
        }
    }
}

/// An `Encoder` writing into one `JSONBox`. Coding paths are always empty: nothing here reports an error but
/// `JSONFastPathFailure` (the caller then uses Foundation, whose errors are the ones shown).
struct JSONBoxEncoder: Encoder, SingleValueEncodingContainer {
    let box: JSONBox
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func encodeValue<T: Encodable>(_ value: T) throws {
        // Type checks first: they are cheap, a cast of every value is not.
        if T.self == Date.self, let date = value as? Date {
            // As `CloudEvent.jsonEncoder`'s `.iso8601` strategy.
            var text: [UInt8] = []
            RFC3339.appendUTC(date, milliseconds: false, to: &text)
            box.scalar = .string(String(decoding: text, as: UTF8.self))
            return
        }
        if T.self == String.self, let text = value as? String {
            box.scalar = .string(text)
            return
        }
        if T.self == Data.self || T.self == URL.self || T.self == Decimal.self { throw JSONFastPathFailure() }
        try value.encode(to: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if box.members == nil { box.members = [] }
        return KeyedEncodingContainer(JSONBoxKeyedContainer<Key>(box: box))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if box.elements == nil { box.elements = [] }
        return JSONBoxUnkeyedContainer(box: box)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() throws { box.scalar = .null }
    func encode(_ value: Bool) throws { box.scalar = .bool(value) }
    func encode(_ value: String) throws { box.scalar = .string(value) }
    func encode(_ value: Double) throws { throw JSONFastPathFailure() }
    func encode(_ value: Float) throws { throw JSONFastPathFailure() }
    func encode(_ value: Int) throws { box.scalar = .integer(Int64(value)) }
    func encode(_ value: Int8) throws { box.scalar = .integer(Int64(value)) }
    func encode(_ value: Int16) throws { box.scalar = .integer(Int64(value)) }
    func encode(_ value: Int32) throws { box.scalar = .integer(Int64(value)) }
    func encode(_ value: Int64) throws { box.scalar = .integer(value) }
    func encode(_ value: UInt) throws { box.scalar = .unsigned(UInt64(value)) }
    func encode(_ value: UInt8) throws { box.scalar = .integer(Int64(value)) }
    func encode(_ value: UInt16) throws { box.scalar = .integer(Int64(value)) }
    func encode(_ value: UInt32) throws { box.scalar = .integer(Int64(value)) }
    func encode(_ value: UInt64) throws { box.scalar = .unsigned(value) }
    func encode<T: Encodable>(_ value: T) throws { try encodeValue(value) }
}

struct JSONBoxKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONBox
    var codingPath: [any CodingKey] { [] }

    private func encoder(_ key: Key) -> JSONBoxEncoder { JSONBoxEncoder(box: box.member(key.stringValue)) }

    mutating func encodeNil(forKey key: Key) throws { try encoder(key).encodeNil() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw JSONFastPathFailure() }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw JSONFastPathFailure() }
    mutating func encode(_ value: Int, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try encoder(key).encode(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder(key).encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { encoder(key).unkeyedContainer() }
    // Foundation's default super key.
    mutating func superEncoder() -> any Encoder { JSONBoxEncoder(box: box.member("super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder(key) }
}

struct JSONBoxUnkeyedContainer: UnkeyedEncodingContainer {
    let box: JSONBox
    var codingPath: [any CodingKey] { [] }
    var count: Int { box.elements?.count ?? 0 }

    private func encoder() -> JSONBoxEncoder { JSONBoxEncoder(box: box.appendElement()) }

    mutating func encodeNil() throws { try encoder().encodeNil() }
    mutating func encode(_ value: Bool) throws { try encoder().encode(value) }
    mutating func encode(_ value: String) throws { try encoder().encode(value) }
    mutating func encode(_ value: Double) throws { throw JSONFastPathFailure() }
    mutating func encode(_ value: Float) throws { throw JSONFastPathFailure() }
    mutating func encode(_ value: Int) throws { try encoder().encode(value) }
    mutating func encode(_ value: Int8) throws { try encoder().encode(value) }
    mutating func encode(_ value: Int16) throws { try encoder().encode(value) }
    mutating func encode(_ value: Int32) throws { try encoder().encode(value) }
    mutating func encode(_ value: Int64) throws { try encoder().encode(value) }
    mutating func encode(_ value: UInt) throws { try encoder().encode(value) }
    mutating func encode(_ value: UInt8) throws { try encoder().encode(value) }
    mutating func encode(_ value: UInt16) throws { try encoder().encode(value) }
    mutating func encode(_ value: UInt32) throws { try encoder().encode(value) }
    mutating func encode(_ value: UInt64) throws { try encoder().encode(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder().encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { encoder() }
}
