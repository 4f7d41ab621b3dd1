/// One environment variable a service reads: its name, its default and range, and what it means. A service's
/// settings are an enum of `SettingKey`s whose `declaration`s are the one table that loading (`ConfigurationReader`),
/// the documentation (`markdownTable`) and the deployment checks all read.
public struct SettingDeclaration: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Must be set; `hint` says what it holds.
        case required(hint: String)
        case integer(default: Int, range: ClosedRange<Int>)
        /// Unset means "derived" (`unset` says from what).
        case optionalInteger(range: ClosedRange<Int>, unset: String)
        case boolean(default: Bool)
        case text(default: String)
        case choice(default: String, options: [String])
        /// A family of variables by prefix (`KEPU_KAFKA_PROP_*`).
        case prefix
    }

    public let name: String
    public let kind: Kind
    public let meaning: String

    public init(_ name: String, _ kind: Kind, _ meaning: String) {
        self.name = name
        self.kind = kind
        self.meaning = meaning
    }

    /// The default as the documentation writes it.
    public var defaultText: String {
        switch kind {
        case .required: "(required)"
        case .integer(let value, _): String(value)
        case .optionalInteger(_, let unset): unset
        case .boolean(let value): String(value)
        case .text(let value): value.isEmpty ? "(unset)" : value
        case .choice(let value, _): value
        case .prefix: ""
        }
    }

    /// The accepted values as the documentation writes them.
    public var rangeText: String {
        switch kind {
        case .integer(_, let range), .optionalInteger(let range, _): "\(range.lowerBound)...\(range.upperBound)"
        case .boolean: "true, false"
        case .choice(_, let options): options.joined(separator: ", ")
        case .required, .text, .prefix: ""
        }
    }

    /// Whether `variable` is this setting (or, for a prefix, one of its family).
    public func names(_ variable: String) -> Bool {
        if case .prefix = kind { return variable.hasPrefix(name.replacingOccurrences(of: "*", with: "")) }
        return variable == name
    }

    /// The settings as a Markdown table (Variable, Default, Range, Meaning): what docs/operations.md shows.
    public static func markdownTable(_ settings: [SettingDeclaration]) -> String {
        var lines = ["| Variable | Default | Range | Meaning |", "|---|---|---|---|"]
        for setting in settings {
            let cells = ["`\(setting.name)`", setting.defaultText, setting.rangeText, setting.meaning].map {
                $0.replacingOccurrences(of: "|", with: "\\|")
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A service's settings: a closed set whose every case is declared once.
public protocol SettingKey: CaseIterable, Sendable {
    var declaration: SettingDeclaration { get }
}

extension SettingKey {
    /// The table, in declaration order.
    public static var declarations: [SettingDeclaration] { allCases.map(\.declaration) }
}
