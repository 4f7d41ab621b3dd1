import CSV
import Foundation

/// Reads a registry file: UTF-8 with or without a byte-order mark, CRLF or LF line ends, RFC 4180 quoting (a name
/// with a comma is quoted), a header row with the documented columns (`RegistryRowText.columns`). Blank lines are
/// skipped; rows are numbered as a spreadsheet shows them (the header is row 1).
enum RegistryCSV {
    /// The most rows one import takes (a city's whole registry is about 20,000).
    static let maximumRows = 200_000

    /// A problem with the file as a whole: nothing in it is read.
    struct FileProblem: Error, Sendable, Hashable {
        var message: String
    }

    struct Row: Sendable, Hashable {
        var number: Int
        var text: RegistryRowText
        /// Set when the row does not have the documented columns.
        var malformed: RegistryProblem?
    }

    static func rows(from bytes: some Collection<UInt8>) throws(FileProblem) -> [Row] {
        guard var text = String(validating: bytes, as: UTF8.self) else { throw FileProblem(message: "the file is not UTF-8") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false)
        } catch {
            throw FileProblem(message: "the file is not CSV: \(error)")
        }
        guard let header = reader.next(), header != [""] else { throw FileProblem(message: "the file is empty; the first row names the columns") }
        guard header == RegistryRowText.columns else {
            throw FileProblem(
                message:
                    "the first row must name the columns \(RegistryRowText.columns.joined(separator: ",")); it has \(header.prefix(20).joined(separator: ",").prefix(500))"
            )
        }
        var rows: [Row] = []
        var number = 1
        while let columns = reader.next() {
            number += 1
            if columns == [""] { continue }
            guard rows.count < maximumRows else { throw FileProblem(message: "more than \(maximumRows) rows; split the file") }
            var row = Row(number: number, text: RegistryRowText(columns: columns))
            if columns.count != RegistryRowText.columns.count {
                row.malformed = RegistryProblem(
                    .malformedRow,
                    "has \(columns.count) columns, \(RegistryRowText.columns.count) expected (\(RegistryRowText.columns.joined(separator: ",")))")
            }
            rows.append(row)
        }
        if let error = reader.error { throw FileProblem(message: "the file could not be read: \(error)") }
        return rows
    }
}
