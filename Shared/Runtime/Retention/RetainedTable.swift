/// A table of a service that remembers input for deduplication (request ids, fingerprints): it is pruned like the
/// inbox, past `KEPU_INBOX_RETENTION_DAYS`, by a timestamp column (which should be indexed).
public struct RetainedTable: Sendable, Hashable {
    /// SQL identifiers, from code (never from input).
    public let table: StaticString
    public let timeColumn: StaticString

    public init(table: StaticString, timeColumn: StaticString) {
        self.table = table
        self.timeColumn = timeColumn
    }

    public static func == (a: RetainedTable, b: RetainedTable) -> Bool { "\(a.table).\(a.timeColumn)" == "\(b.table).\(b.timeColumn)" }
    public func hash(into hasher: inout Hasher) { hasher.combine("\(table).\(timeColumn)") }
}
