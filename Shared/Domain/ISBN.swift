/// An ISBN-13 (国际标准书号), the catalogue's key for a book: 13 digits whose checksum holds (weights 1 and 3
/// alternating, the sum a multiple of 10). An ISBN-10 is converted: `978` prefixed, its own check digit (mod 11,
/// `X` for 10) checked and replaced. Hyphens and spaces, as printed on books, are ignored.
public struct ISBN: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The 13 digits.
    public let digits: String

    /// Why text is not an ISBN.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        case length(Int)
        case character
        case checksum

        public var description: String {
            switch self {
            case .length(let count): "has \(count) digits; an ISBN has 13 (or 10)"
            case .character: "holds a character that is not a digit (or an ISBN-10's final X)"
            case .checksum: "fails its check digit"
            }
        }
    }

    public init(_ text: String) throws(Problem) {
        // At most a few dozen characters are looked at: a longer text fails on its length.
        let kept = Array(text.utf8.prefix(64).filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") })
        guard text.utf8.count <= 64 else { throw .length(text.utf8.count) }
        switch kept.count {
        case 13:
            guard kept.allSatisfy(Self.isDigit) else { throw .character }
            let values = kept.map { Int($0 - 48) }
            guard Self.check13(values.prefix(12)) == values[12] else { throw .checksum }
            digits = String(decoding: kept, as: UTF8.self)
        case 10:
            guard kept.prefix(9).allSatisfy(Self.isDigit), Self.isDigit(kept[9]) || kept[9] == UInt8(ascii: "X") || kept[9] == UInt8(ascii: "x")
            else { throw .character }
            let values = kept.prefix(9).map { Int($0 - 48) }
            let check = Self.isDigit(kept[9]) ? Int(kept[9] - 48) : 10
            let sum = values.enumerated().reduce(0) { $0 + (10 - $1.offset) * $1.element } + check
            guard sum % 11 == 0 else { throw .checksum }
            let body = [9, 7, 8] + values
            digits = (body + [Self.check13(body[...])]).map(String.init).joined()
        default:
            throw .length(kept.count)
        }
    }

    public var description: String { digits }

    public static func < (lhs: ISBN, rhs: ISBN) -> Bool { lhs.digits < rhs.digits }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISBN: \(error)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }

    /// The ISBN-13 check digit of 12 digits.
    private static func check13(_ values: ArraySlice<Int>) -> Int {
        let sum = values.enumerated().reduce(0) { $0 + ($1.offset % 2 == 0 ? 1 : 3) * $1.element }
        return (10 - sum % 10) % 10
    }
}

/// What a book on the catalogue is, as the seed's reading activities name them.
public enum BookCategory: String, Sendable, Hashable, Codable, CaseIterable {
    /// Science and technology (科技).
    case science
    /// Popular science (科普).
    case popularScience = "popular_science"
    /// Science fiction (科幻).
    case scienceFiction = "science_fiction"
}

/// An online work of 科普中国 (China Science Communication).
public enum WorkType: String, Sendable, Hashable, Codable, CaseIterable {
    case article, video, course
}
