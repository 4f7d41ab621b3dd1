import Foundation

/// Which fields of a payload are personal data (个人信息): contact details a resident, volunteer or information officer
/// gave one service for one purpose. Tools that print records (`kepu tail`, `kepu dlq list`) mask them unless asked.
///
/// The list is by member name, at any depth, so a new contract that names its fields the usual way is covered
/// without a change here; a contract with another name for a contact detail adds it.
public enum PersonalData {
    /// Member names whose value is personal, whatever it holds (a whole `contact` object included).
    public static let fieldNames: Set<String> = [
        "contact", "contacts", "name", "fullName", "realName", "phone", "mobile", "email", "address", "homeAddress", "idNumber",
        "idCardNumber", "wechat", "contactName", "contactPhone",
    ]

    public static let mask = "***"

    /// A JSON value (as `JSONSerialization` reads it) with every personal member's value replaced by `mask`.
    /// A `name` is masked too: a venue's or a programme's name is not personal, but a tool showing one masked costs
    /// a reader a look at the admin API, and a person's shown costs the person.
    public static func masked(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]:
            var result: [String: Any] = [:]
            for (key, member) in object { result[key] = fieldNames.contains(key) ? maskedShape(member) : masked(member) }
            return result
        case let array as [Any]:
            return array.map(masked)
        default:
            return value
        }
    }

    /// Keeps an object's keys (so the reader sees which details were given) and masks every value.
    private static func maskedShape(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]: object.mapValues(maskedShape)
        case let array as [Any]: array.map(maskedShape)
        case is NSNull: value
        default: mask
        }
    }
}
