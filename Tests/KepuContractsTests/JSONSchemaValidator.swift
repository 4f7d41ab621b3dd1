import Foundation

/// The subset of JSON Schema (2020-12) the AsyncAPI document uses: type, const, enum, oneOf, required, properties,
/// additionalProperties, items, pattern, minLength, maxLength, minimum, maximum, format date-time, and local $ref.
struct JSONSchemaValidator {
    let root: [String: Any]

    /// Problems found, as JSON-pointer-ish paths with reasons; empty when `value` is valid.
    func validate(_ value: Any, against schema: [String: Any], at path: String = "$") -> [String] {
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
        if let number = value as? NSNumber, !(value is Bool) {
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
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() { problems += validate(element, against: items, at: "\(path)[\(index)]") }
        }
        return problems
    }

    func resolve(_ reference: String) -> [String: Any] {
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
        case "boolean": value is Bool
        case "null": value is NSNull
        case "integer": (value as? NSNumber).map { !($0 is Bool) && $0.doubleValue.rounded() == $0.doubleValue } ?? false
        case "number": value is NSNumber && !(value is Bool)
        default: false
        }
    }

    private func equal(_ a: Any, _ b: Any) -> Bool {
        (a as? NSObject)?.isEqual(b) ?? false
    }
}
