import Foundation

extension MetricSnapshot {
    /// The snapshot as JSON, written by hand into bytes: metrics publishes thousands a second, and `JSONEncoder`
    /// (then string building) was the largest cost of a snapshot round. Same fields as the `Codable` form (sorted
    /// keys), times with milliseconds (lag is measured from them), counts as integers. The contract tests check it
    /// decodes to the same value and fits the schema.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + unitPath.count * 16)
        JSONText.appendRaw("{\"asOf\":\"", to: &out)
        RFC3339.appendMillisecondsUTC(asOf, to: &out)
        JSONText.appendRaw("\"", to: &out)
        if let denominator {
            JSONText.appendRaw(",\"denominator\":", to: &out)
            JSONText.appendInteger(denominator, to: &out)
        }
        JSONText.appendRaw(",\"kpi\":", to: &out)
        JSONText.appendQuoted(kpi, to: &out)
        if let numerator {
            JSONText.appendRaw(",\"numerator\":", to: &out)
            JSONText.appendInteger(numerator, to: &out)
        }
        if let pendingSince {
            JSONText.appendRaw(",\"pendingSince\":\"", to: &out)
            RFC3339.appendMillisecondsUTC(pendingSince, to: &out)
            JSONText.appendRaw("\"", to: &out)
        }
        JSONText.appendRaw(",\"periodKey\":", to: &out)
        JSONText.appendQuoted(periodKey, to: &out)
        JSONText.appendRaw(",\"periodKind\":", to: &out)
        JSONText.appendQuoted(periodKind, to: &out)
        JSONText.appendRaw(",\"unitId\":", to: &out)
        JSONText.appendQuoted(unitId, to: &out)
        JSONText.appendRaw(",\"unitLevel\":", to: &out)
        JSONText.appendQuoted(unitLevel, to: &out)
        JSONText.appendRaw(",\"unitPath\":[", to: &out)
        for (index, unit) in unitPath.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(unit, to: &out)
        }
        JSONText.appendRaw("],\"value\":", to: &out)
        JSONText.appendNumber(value, to: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
