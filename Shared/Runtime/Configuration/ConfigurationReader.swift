import Foundation

/// Reads settings from environment variables, collecting every problem instead of stopping at the first, so a
/// service that cannot start says everything that is wrong in one message.
public struct ConfigurationReader {
    public let environment: [String: String]
    private(set) var problems: [String] = []

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// A value that must be present and non-empty.
    public mutating func required(_ name: String, _ what: String) -> String {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            problems.append("\(name) is required (\(what))")
            return ""
        }
        return value
    }

    public func string(_ name: String, default value: String) -> String {
        environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? value
    }

    public mutating func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) -> Int {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let parsed = Int(text), range.contains(parsed) else {
            problems.append("\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
            return value
        }
        return parsed
    }

    public mutating func boolean(_ name: String, default value: Bool) -> Bool {
        guard let text = environment[name]?.lowercased(), !text.isEmpty else { return value }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            problems.append("\(name) must be true or false, got '\(text)'")
            return value
        }
    }

    public mutating func oneOf(_ name: String, _ allowed: [String], default value: String) -> String {
        let text = string(name, default: value)
        guard allowed.contains(text) else {
            problems.append("\(name) must be one of \(allowed.joined(separator: ", ")), got '\(text)'")
            return value
        }
        return text
    }

    /// Records a problem found by the caller's own check.
    public mutating func problem(_ message: String) {
        problems.append(message)
    }

    /// Throws if anything was missing or malformed.
    public func finish() throws(ConfigurationError) {
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }
}
