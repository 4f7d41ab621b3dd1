/// JSON text written by hand where an encoder would cost too much (log lines, metric snapshots).
public enum JSONText {
    /// A JSON string literal for `text`: quotes, backslashes and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `quoted(text)`'s UTF-8 bytes.
    public static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        // Most text needs no escape: copied in one go.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case UInt8(ascii: "\n"): appendRaw("\\n", to: &bytes)
            case UInt8(ascii: "\r"): appendRaw("\\r", to: &bytes)
            case UInt8(ascii: "\t"): appendRaw("\\t", to: &bytes)
            // Backspace and form feed by name, as Foundation's encoder writes them.
            case 0x08: appendRaw("\\b", to: &bytes)
            case 0x0C: appendRaw("\\f", to: &bytes)
            case 0..<0x20:
                appendRaw("\\u00", to: &bytes)
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0xF)])
            // Multi-byte UTF-8 sequences pass through: every byte of them is >= 0x80.
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends the UTF-8 bytes of `text`, which must need no escaping (JSON punctuation, keys).
    public static func appendRaw(_ text: StaticString, to bytes: inout [UInt8]) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends a JSON number: integers as digits, other finite values as Swift prints them, non-finite as 0.
    public static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        if value.isFinite, value == value.rounded(), abs(value) < 9e15 {
            appendInteger(Int64(value), to: &bytes)
        } else {
            bytes.append(contentsOf: (value.isFinite ? "\(value)" : "0").utf8)
        }
    }

    /// Appends an integer's decimal digits, with leading zeros up to `minimumDigits`.
    public static func appendInteger(_ value: Int64, minimumDigits: Int = 1, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        var digits = 1
        while magnitude / divisor >= 10 || digits < minimumDigits {
            divisor *= 10
            digits += 1
        }
        while divisor > 0 {
            bytes.append(UInt8(truncatingIfNeeded: 0x30 + magnitude / divisor % 10))
            divisor /= 10
        }
    }
}
