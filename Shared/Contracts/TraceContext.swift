/// The W3C trace context (https://www.w3.org/TR/trace-context/) an event carries in the CloudEvents
/// distributed-tracing extension. A malformed value is dropped, not refused: the specification asks a receiver to
/// ignore it and start a new trace, and an event is no less valid for a broken trace header.
public enum TraceContext {
    /// `version-traceid-parentid-flags`: 2, 32, 16 and 2 lowercase hex digits.
    static let traceParentLength = 55
    /// The specification's limit on `tracestate` (32 members of at most 256 characters would allow more, but
    /// propagators may cut at 512).
    public static let maxTraceStateLength = 512

    /// `bytes` as a `traceparent`, if well-formed: version not `ff`, trace and parent ids hex and not all zeros.
    /// A later version is read by its first 55 characters, as the specification says.
    public static func traceParent(_ bytes: [UInt8]?) -> String? {
        guard let bytes, bytes.count >= traceParentLength else { return nil }
        func isHex(_ range: Range<Int>) -> Bool {
            bytes[range].allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
        }
        func isZero(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 == UInt8(ascii: "0") } }
        let dash = UInt8(ascii: "-")
        guard isHex(0..<2), !(bytes[0] == UInt8(ascii: "f") && bytes[1] == UInt8(ascii: "f")),
            bytes[2] == dash, isHex(3..<35), !isZero(3..<35), bytes[35] == dash, isHex(36..<52), !isZero(36..<52),
            bytes[52] == dash, isHex(53..<55)
        else { return nil }
        let isVersionZero = bytes[0] == UInt8(ascii: "0") && bytes[1] == UInt8(ascii: "0")
        if bytes.count > traceParentLength && (isVersionZero || bytes[traceParentLength] != dash) { return nil }
        return String(decoding: bytes[0..<traceParentLength], as: UTF8.self)
    }

    /// `bytes` as a `tracestate`, if within the length limit and printable ASCII (its members are not checked: it
    /// is handed on as it came).
    public static func traceState(_ bytes: [UInt8]?) -> String? {
        guard let bytes, !bytes.isEmpty, bytes.count <= maxTraceStateLength, bytes.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
