import Foundation
import KepuCSV

/// Reads a registry file (`CSVTable`: UTF-8, RFC 4180, the header row naming `RegistryRowText.columns`).
enum RegistryCSV {
    /// The most rows one import takes (a city's whole registry is about 20,000).
    static let maximumRows = 200_000

    typealias FileProblem = CSVTable.FileProblem

    struct Row: Sendable, Hashable {
        var number: Int
        var text: RegistryRowText
        /// Set when the row does not have the documented columns.
        var malformed: RegistryProblem?
    }

    static func rows(from bytes: some Collection<UInt8>) throws(FileProblem) -> [Row] {
        try CSVTable.rows(from: bytes, columns: RegistryRowText.columns, maximumRows: maximumRows).map { row in
            var read = Row(number: row.number, text: RegistryRowText(columns: row.columns))
            if row.malformed {
                read.malformed = RegistryProblem(
                    .malformedRow,
                    "has \(row.columns.count) columns, \(RegistryRowText.columns.count) expected (\(RegistryRowText.columns.joined(separator: ",")))")
            }
            return read
        }
    }
}
