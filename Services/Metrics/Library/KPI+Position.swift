/// KPIs are compared and hashed by case, not by name. For an enum with raw values the standard library's defaults
/// compare and hash the raw string, and KPIs key every dictionary of the fold: that hashing was a few percent of the
/// programme's fold.
extension KPI {
    /// The KPI's index in `KPI.counts` (= `allCases`): its case's tag, declaration order.
    var position: Int {
        // A case without payload is stored as its tag, one byte while there are at most 256 cases (a test checks).
        Int(withUnsafeBytes(of: self) { $0.load(as: UInt8.self) })
    }

    static func == (lhs: KPI, rhs: KPI) -> Bool { lhs.position == rhs.position }

    func hash(into hasher: inout Hasher) { hasher.combine(position) }
}
