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

    /// A declared setting that must be present (`.required`).
    public mutating func required(_ key: some SettingKey) -> String {
        guard case .required(let hint) = key.declaration.kind else { return wrongKind(key, "required") ?? "" }
        return required(key.declaration.name, hint)
    }

    /// A declared whole number (`.integer`), within its range; `default` overrides the declared one (a service's port).
    public mutating func integer(_ key: some SettingKey, default override: Int? = nil) -> Int {
        guard case .integer(let value, let range) = key.declaration.kind else { return wrongKind(key, "integer") ?? 0 }
        return integer(key.declaration.name, default: override ?? value, in: range)
    }

    /// A declared whole number that may be unset (`.optionalInteger`): nil when unset.
    public mutating func optionalInteger(_ key: some SettingKey) -> Int? {
        guard case .optionalInteger(let range, _) = key.declaration.kind else { return wrongKind(key, "optional integer") }
        guard let text = environment[key.declaration.name], !text.isEmpty else { return nil }
        return integer(key.declaration.name, default: range.lowerBound, in: range)
    }

    public mutating func boolean(_ key: some SettingKey) -> Bool {
        guard case .boolean(let value) = key.declaration.kind else { return wrongKind(key, "boolean") ?? false }
        return boolean(key.declaration.name, default: value)
    }

    public mutating func string(_ key: some SettingKey) -> String {
        guard case .text(let value) = key.declaration.kind else { return wrongKind(key, "text") ?? "" }
        return string(key.declaration.name, default: value)
    }

    public mutating func oneOf(_ key: some SettingKey) -> String {
        guard case .choice(let value, let options) = key.declaration.kind else { return wrongKind(key, "choice") ?? "" }
        return oneOf(key.declaration.name, options, default: value)
    }

    /// A setting read as another kind than it is declared: a programming error, reported like any problem (so the
    /// service refuses to start and says why) instead of trapping.
    private mutating func wrongKind<T>(_ key: some SettingKey, _ kind: String) -> T? {
        problems.append("\(key.declaration.name) is declared \(key.declaration.kind) but read as \(kind)")
        return nil
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
