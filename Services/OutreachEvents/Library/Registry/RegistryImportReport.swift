/// What an import (or a dry run of one) found, row by row, and what it changed.
struct RegistryImportReport: Sendable, Hashable, Codable {
    enum Outcome: String, Sendable, Hashable, Codable {
        /// The entry is new.
        case create
        /// The entry exists and the row changes it.
        case change
        /// The row says what the registry already says.
        case unchanged
        /// The row has problems: nothing in the file is applied.
        case invalid
    }

    struct RowResult: Sendable, Hashable, Codable {
        var row: Int
        var id: String
        var outcome: Outcome
        var problems: [RegistryProblem]?
    }

    struct Summary: Sendable, Hashable, Codable {
        var rows = 0
        var invalidRows = 0
        var unitsCreated = 0
        var sitesCreated = 0
        /// Records published (or, in a dry run, that would be): changed rows, and entries whose path or unit
        /// population changes with them.
        var recordsPublished = 0
    }

    var dryRun: Bool
    /// Whether the rows are now in the registry (never for a dry run or a file with any problem).
    var applied: Bool
    var summary: Summary
    /// Every row's outcome, in file order.
    var rows: [RowResult]
}
