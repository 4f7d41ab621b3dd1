/// The administrative levels of the practice network, top down: city (市) → district (区, incl. 新区) →
/// street (街道) → community (社区), and the practice sites that sit on them.
public enum UnitLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case city, district, street, community, site
}

/// A unit of the network, identified by a stable id such as `sz.futian.lianhua`.
public struct UnitId: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// A unit with its ancestors, city first, so that any service can roll numbers up without asking another
/// service who a unit's parent is.
public struct UnitPath: Sendable, Hashable, Codable {
    public var units: [UnitId]
    public init(_ units: [UnitId]) { self.units = units }
    public var unit: UnitId? { units.last }
}
