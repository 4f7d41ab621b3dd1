/// A payload that refuses fields it does not define, as its AsyncAPI schema says (`additionalProperties: false`):
/// what frontends send. A misspelt optional field (`acceptpartial`) would otherwise be dropped without a word.
/// Events between services stay open (their schemas too): a consumer must read a newer producer's events, which
/// may carry optional fields it does not know yet.
public protocol ClosedPayload {
    static var fields: PayloadFields { get }
}

/// The fields of a closed payload: an object's names, each with what it holds.
public indirect enum PayloadFields: Sendable {
    case object([String: PayloadFields])
    /// An object whose fields depend on the string value of its field `tag` (a closed union, as `oneOf`).
    case tagged(tag: String, [String: [String: PayloadFields]])
    /// A scalar, an array, or an object whose fields are not checked.
    case value
}

extension JSONFastPath {
    /// The path of the first field in `bytes` that `fields` does not define; nil if there is none (or the bytes are
    /// not JSON the fast parser reads, which then fail to decode anyway).
    static func unknownField(in bytes: [UInt8], _ fields: PayloadFields) -> String? {
        guard let root = try? bytes.withUnsafeBufferPointer({ buffer throws(JSONFastPathFailure) in try JSONNodeParser.parse(buffer) }) else {
            return nil
        }
        return unknownField(in: root, bytes: bytes, fields)
    }

    /// The same, on a document already parsed.
    static func unknownField(in root: JSONNode, bytes: [UInt8], _ fields: PayloadFields) -> String? {
        func search(_ node: JSONNode, _ fields: PayloadFields, _ path: String) -> String? {
            guard case .object(let members) = node else { return nil }
            let known: [String: PayloadFields]
            switch fields {
            case .value: return nil
            case .object(let names): known = names
            case .tagged(let tag, let variants):
                // An unknown tag value fails to decode anyway.
                guard let member = members.first(where: { $0.name == nil && bytes[$0.key].elementsEqual(tag.utf8) }),
                    case .string(let range, escaped: false) = member.value, let names = variants[String(decoding: bytes[range], as: UTF8.self)]
                else { return nil }
                known = names
            }
            for member in members {
                let name = String(decoding: member.name ?? Array(bytes[member.key]), as: UTF8.self)
                let field = path.isEmpty ? name : "\(path).\(name)"
                guard let inner = known[name] else { return field }
                if let unknown = search(member.value, inner, field) { return unknown }
            }
            return nil
        }
        return search(root, fields, "")
    }
}

extension ContractViolation {
    static func unknownField(_ path: String) -> ContractViolation {
        ContractViolation(field: String(path.prefix(FieldLimit.identifier)), "is not a field of this payload")
    }
}
