/// The limits every contract uses, in one place (and in the AsyncAPI document as `maxLength`/`minimum`/`maximum`).
public enum FieldLimit {
    /// Ids chosen by a frontend or another service (request, session, booking, resident, unit, venue ids).
    public static let identifier = 128
    /// Short codes (closed-set values, kinds).
    public static let code = 64
    /// A person's or place's name.
    public static let name = 200
    /// A phone number as written (digits, `+`, spaces, dashes).
    public static let phone = 32
    /// Free text a person writes or a service explains with (a rejection's detail, a note).
    public static let text = 2_000
    /// A count of people or seats in one request or event.
    public static let count = 0...1_000_000

    /// Checks a string's length in UTF-8 bytes and that it holds no NUL or other control character.
    public static func check(
        _ value: String, _ field: @autoclosure () -> String, max: Int, allowEmpty: Bool = false
    ) throws(ContractViolation) {
        let utf8 = value.utf8
        if utf8.isEmpty {
            if allowEmpty { return }
            throw ContractViolation(field: field(), "is empty")
        }
        if utf8.count > max { throw ContractViolation(field: field(), "is \(utf8.count) bytes, at most \(max) allowed") }
        // Over the contiguous bytes where the string has them (a native string does), not through the view.
        let control = utf8.withContiguousStorageIfAvailable { $0.contains { $0 < 0x20 || $0 == 0x7F } } ?? utf8.contains { $0 < 0x20 || $0 == 0x7F }
        if control {
            throw ContractViolation(field: field(), "holds a control character (such as NUL)")
        }
    }

    public static func check(_ value: String?, _ field: @autoclosure () -> String, max: Int) throws(ContractViolation) {
        if let value { try check(value, field(), max: max, allowEmpty: true) }
    }

    /// Checks that an integer lies in `range`.
    public static func check<Number: BinaryInteger>(_ value: Number, _ field: @autoclosure () -> String, in range: ClosedRange<Number>)
        throws(ContractViolation)
    {
        guard range.contains(value) else {
            throw ContractViolation(field: field(), "must be \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
    }

    /// The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that does not split a character's bytes: for
    /// text made from input (an error's detail) that goes on into an event or a header.
    public static func truncated(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        let utf8 = Array(text.utf8)
        var end = maxBytes
        // Back off continuation bytes (10xxxxxx): the cut lands before the first byte of a character.
        while end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }
}
