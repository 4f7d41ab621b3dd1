import Foundation

/// Inline SVG charts for the printable report: drawn from numbers alone (no script), and never trapping on a
/// value that is not finite (an empty ratio draws as nothing).
enum SVGChart {
    /// Horizontal bars, one per label, scaled to `maximum`.
    static func bars(id: String, bars: [(String, Double)], maximum: Double, format: (Double) -> String) -> String {
        let height = 24
        var svg = "<svg id=\"\(escape(id))\" width=\"680\" height=\"\(max(1, bars.count) * height + 10)\" role=\"img\">"
        for (index, (label, value)) in bars.enumerated() {
            let y = index * height + 5
            let width = value.isFinite && maximum > 0 ? Int(min(1, max(0, value / maximum)) * 400) : 0
            svg +=
                "<text x=\"0\" y=\"\(y + 16)\" font-size=\"12\">\(escape(label))</text><rect class=\"bar\" x=\"200\" y=\"\(y)\" width=\"\(width)\" height=\"18\"></rect><text x=\"\(205 + width)\" y=\"\(y + 14)\" font-size=\"12\">\(escape(format(value)))</text>"
        }
        return svg + "</svg>"
    }

    /// Vertical columns over time, labelled below, the largest at full height.
    static func columns(id: String, title: String, bars: [(String, Double)]) -> String {
        let width = max(1, bars.count) * 48 + 20
        let top = bars.map(\.1).filter(\.isFinite).max() ?? 0
        var svg =
            "<svg id=\"\(escape(id))\" class=\"trend\" width=\"\(width)\" height=\"170\" role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        for (index, (label, value)) in bars.enumerated() {
            let height = value.isFinite && top > 0 ? Int(max(0, value) / top * 120) : 0
            let x = 10 + index * 48
            svg +=
                "<rect class=\"bar\" x=\"\(x)\" y=\"\(135 - height)\" width=\"36\" height=\"\(height)\" data-value=\"\(value.isFinite ? Int64(value) : 0)\"></rect><text x=\"\(x)\" y=\"\(130 - height)\" font-size=\"9\">\(value.isFinite ? Int64(value) : 0)</text><text x=\"\(x)\" y=\"150\" font-size=\"9\">\(escape(label))</text>"
        }
        return svg + "</svg>"
    }
}
