/// Where a donated lot of books (捐赠图书) stands: planned by the rule, approved by the district, shipped, received
/// by every site it was shared among.
public enum LotStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Recorded with its titles and copies; the allocation plan can be (re)computed.
    case planned
    /// The plan was approved (district scope): it no longer changes.
    case approved
    case shipped
    /// Every site reported what arrived.
    case received
}

/// What was wrong with copies a site received.
public enum DiscrepancyKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fewer copies arrived than were shipped.
    case shortage
    /// Copies arrived damaged: counted, not put in stock.
    case damage
    /// More copies arrived than were shipped.
    case surplus
}
