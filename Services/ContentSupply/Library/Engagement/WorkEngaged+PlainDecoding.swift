import Foundation
import KepuContracts

extension WorkEngaged {
    /// The fields, in the order `readPlain` keeps their values.
    private static let plainKeys: [[UInt8]] = ["workId", "siteId", "visitorHash", "action", "officerId", "occurredAt"].map { Array($0.utf8) }

    /// Reads the payload every frontend sends — one flat JSON object of the six fields, string values without escapes
    /// — straight from its bytes, and validates it; nil for anything else (an escape, a null, a number, an unknown,
    /// missing or repeated field, an invalid value), which the general decoder then reads or refuses with its reason.
    /// The engagement topic carries the suite's most records: the general decoder's document tree and `Codable`
    /// were most of the fold's time per record.
    static func readPlain(_ bytes: [UInt8]) -> WorkEngaged? {
        bytes.withUnsafeBufferPointer { buffer -> WorkEngaged? in
            var values: [Range<Int>?] = [nil, nil, nil, nil, nil, nil]
            var index = 0
            let count = buffer.count
            func skipSpace() {
                while index < count, buffer[index] == 0x20 || buffer[index] == 0x0A || buffer[index] == 0x0D || buffer[index] == 0x09 { index += 1 }
            }
            /// A string's contents without its quotes; nil at an escape or a control character.
            func string() -> Range<Int>? {
                guard index < count, buffer[index] == UInt8(ascii: "\"") else { return nil }
                index += 1
                let start = index
                while index < count {
                    let byte = buffer[index]
                    if byte == UInt8(ascii: "\"") {
                        index += 1
                        return start..<(index - 1)
                    }
                    if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                    index += 1
                }
                return nil
            }
            skipSpace()
            guard index < count, buffer[index] == UInt8(ascii: "{") else { return nil }
            index += 1
            var first = true
            while true {
                skipSpace()
                guard index < count else { return nil }
                if buffer[index] == UInt8(ascii: "}") {
                    index += 1
                    break
                }
                if !first {
                    guard buffer[index] == UInt8(ascii: ",") else { return nil }
                    index += 1
                    skipSpace()
                }
                first = false
                guard let key = string() else { return nil }
                let name = UnsafeBufferPointer(rebasing: buffer[key])
                guard let field = plainKeys.firstIndex(where: { $0.elementsEqual(name) }), values[field] == nil else { return nil }
                skipSpace()
                guard index < count, buffer[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                skipSpace()
                guard let value = string() else { return nil }
                values[field] = value
            }
            skipSpace()
            guard index == count, let work = values[0], let site = values[1], let visitor = values[2], let actionRange = values[3],
                let occurred = values[5]
            else { return nil }
            // Bytes that are not UTF-8 are the general decoder's to refuse (decoding would repair them silently). ASCII,
            // which ids and times are, needs no validating (validating every field was a twentieth of the fold's time).
            func text(_ range: Range<Int>) -> String? {
                let bytes = UnsafeBufferPointer(rebasing: buffer[range])
                return bytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
            }
            guard let workId = text(work), let siteId = text(site), let visitorHash = text(visitor) else { return nil }
            var officerId: String?
            if let officer = values[4] {
                guard let valid = text(officer) else { return nil }
                officerId = valid
            }
            guard let actionText = text(actionRange), let action = EngagementAction(rawValue: actionText),
                let occurredAt = RFC3339.parse(bytes: UnsafeBufferPointer(rebasing: buffer[occurred]))
            else { return nil }
            let engaged = WorkEngaged(
                workId: workId, siteId: siteId, visitorHash: visitorHash, action: action, officerId: officerId, occurredAt: occurredAt)
            do {
                try engaged.validate()
            } catch {
                return nil
            }
            return engaged
        }
    }
}
