import CSV

/// An uploaded table (the registry, the catalogue): UTF-8 with or without a byte-order mark, CRLF or LF line ends,
/// RFC 4180 quoting (a name with a comma is quoted), a header row naming exactly the documented columns. Blank lines
/// are skipped; rows are numbered as a spreadsheet shows them (the header is row 1).
public enum CSVTable {
    /// A problem with the file as a whole: nothing in it is read.
    public struct FileProblem: Error, Sendable, Hashable {
        public var message: String
    }

    public struct Row: Sendable, Hashable {
        public var number: Int
        public var columns: [String]
        /// The row does not have the documented number of columns.
        public var malformed: Bool
    }

    public static func rows(from bytes: some Collection<UInt8>, columns expected: [String], maximumRows: Int) throws(FileProblem) -> [Row] {
        guard var text = String(validating: bytes, as: UTF8.self) else { throw FileProblem(message: "the file is not UTF-8") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false)
        } catch {
            throw FileProblem(message: "the file is not CSV: \(error)")
        }
        guard let header = reader.next(), header != [""] else { throw FileProblem(message: "the file is empty; the first row names the columns") }
        guard header == expected else {
            throw FileProblem(
                message:
                    "the first row must name the columns \(expected.joined(separator: ",")); it has \(header.prefix(20).joined(separator: ",").prefix(500))"
            )
        }
        var rows: [Row] = []
        var number = 1
        while let columns = reader.next() {
            number += 1
            if columns == [""] { continue }
            guard rows.count < maximumRows else { throw FileProblem(message: "more than \(maximumRows) rows; split the file") }
            rows.append(Row(number: number, columns: columns, malformed: columns.count != expected.count))
        }
        if let error = reader.error { throw FileProblem(message: "the file could not be read: \(error)") }
        return rows
    }
}
