import Foundation

/// The subset of JSON Schema (2020-12) the AsyncAPI and OpenAPI documents use: type (one or a list), const, enum,
/// oneOf, required, properties, additionalProperties (false or a schema), items, pattern, minLength, maxLength,
/// minimum, maximum, format date-time, and local $ref.
public struct JSONSchemaValidator {
    public let root: [String: Any]

    public init(root: [String: Any]) {
        self.root = root
    }

    /// Problems found, as JSON-pointer-ish paths with reasons; empty when `value` is valid.
    public func validate(_ value: Any, against schema: [String: Any], at path: String = "$") -> [String] {
        if let reference = schema["$ref"] as? String { return validate(value, against: resolve(reference), at: path) }
        if let options = schema["oneOf"] as? [[String: Any]] {
            let matching = options.filter { validate(value, against: $0, at: path).isEmpty }.count
            if matching != 1 { return ["\(path): matches \(matching) of the oneOf schemas, not exactly one"] }
        }
        var problems: [String] = []
        if let constant = schema["const"], !equal(constant, value) { problems.append("\(path): must be \(constant)") }
        if let options = schema["enum"] as? [Any], !options.contains(where: { equal($0, value) }) {
            problems.append("\(path): \(value) is not one of \(options)")
        }
        if let type = schema["type"] as? String, !matches(type, value) {
            return problems + ["\(path): expected \(type), got \(Swift.type(of: value))"]
        }
        if let types = schema["type"] as? [String], !types.contains(where: { matches($0, value) }) {
            return problems + ["\(path): expected one of \(types), got \(Swift.type(of: value))"]
        }
        if let text = value as? String {
            if let min = schema["minLength"] as? Int, text.count < min { problems.append("\(path): shorter than \(min)") }
            if let max = schema["maxLength"] as? Int, text.count > max { problems.append("\(path): longer than \(max)") }
            if let pattern = schema["pattern"] as? String, text.range(of: pattern, options: .regularExpression) == nil {
                problems.append("\(path): '\(text)' does not match \(pattern)")
            }
            if schema["format"] as? String == "date-time", (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) == nil,
                (try? Date.ISO8601FormatStyle().parse(text)) == nil
            {
                problems.append("\(path): '\(text)' is not a date-time")
            }
        }
        if let number = value as? NSNumber, !isBoolean(value) {
            if let min = schema["minimum"] as? Double, number.doubleValue < min { problems.append("\(path): below \(min)") }
            if let max = schema["maximum"] as? Double, number.doubleValue > max { problems.append("\(path): above \(max)") }
        }
        if let object = value as? [String: Any] {
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path).\(name): required")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (name, member) in object {
                if let propertySchema = properties[name] as? [String: Any] {
                    problems += validate(member, against: propertySchema, at: "\(path).\(name)")
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path).\(name): not allowed")
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    problems += validate(member, against: additional, at: "\(path).\(name)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() { problems += validate(element, against: items, at: "\(path)[\(index)]") }
        }
        return problems
    }

    public func resolve(_ reference: String) -> [String: Any] {
        var node: Any = root
        for part in reference.dropFirst(2).split(separator: "/") {
            node = (node as? [String: Any])?[String(part)] ?? [:]
        }
        return node as? [String: Any] ?? [:]
    }

    private func matches(_ type: String, _ value: Any) -> Bool {
        switch type {
        case "string": value is String
        case "object": value is [String: Any]
        case "array": value is [Any]
        case "boolean": isBoolean(value)
        case "null": value is NSNull
        case "integer": !isBoolean(value) && (value as? NSNumber).map { $0.doubleValue.rounded() == $0.doubleValue } ?? false
        case "number": value is NSNumber && !isBoolean(value)
        default: false
        }
    }

    /// On Linux a JSON 0 or 1 also casts to `Bool`; JSONSerialization's booleans are the NSNumbers of type `c`.
    private func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return value is Bool }
        return String(cString: number.objCType) == "c"
    }

    private func equal(_ a: Any, _ b: Any) -> Bool {
        (a as? NSObject)?.isEqual(b) ?? false
    }
}
