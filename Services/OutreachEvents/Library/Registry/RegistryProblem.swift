/// Why a row of an import (or an admin write) cannot go into the registry.
struct RegistryProblem: Sendable, Hashable, Codable {
    enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        /// The row does not have the documented columns.
        case malformedRow = "malformed_row"
        /// A required field is empty.
        case missingField = "missing_field"
        /// A field is too long, holds a control character, or is not of the documented form (an id's characters).
        case invalidField = "invalid_field"
        /// The id appears twice in the file, or is already another kind of entry (a unit's id on a site).
        case duplicateId = "duplicate_id"
        /// The `type` column names neither a unit level nor a site kind.
        case unknownType = "unknown_type"
        /// The parent (or a site's unit) is neither in the file nor in the registry, or is a site.
        case unknownParent = "unknown_parent"
        /// Following parents from the unit comes back to it.
        case cycle
        /// The parent is not of the level above (a community under a district), a site's unit is not of a level
        /// its kind sits on (a station on a street), or the city has a parent.
        case wrongParentLevel = "wrong_parent_level"
        /// An existing unit's level would change (its children would then sit under the wrong level).
        case levelChanged = "level_changed"
        /// Not a whole number in range, or given for a site.
        case badPopulation = "bad_population"
        /// Not `active` or `retired`.
        case badStatus = "bad_status"
        /// Not a yyyy-MM-dd calendar day, or `since` after `until`.
        case badDate = "bad_date"
    }

    var code: Code
    /// The column (or API field) at fault, when there is one.
    var field: String?
    var message: String

    init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}
