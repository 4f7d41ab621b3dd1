extension Int {
    /// The number in decimal, left-padded with zeros to `width` digits: a period key's `%04d` or `%02d` without
    /// `String(format:)`, which goes through Foundation's formatter (the keys are built for every state the
    /// metrics fold counts, and that formatting showed in its profile).
    func zeroPadded(_ width: Int) -> String {
        let digits = String(magnitude)
        let padding = digits.utf8.count < width ? String(repeating: "0", count: width - digits.utf8.count) : ""
        return (self < 0 ? "-" : "") + padding + digits
    }
}
