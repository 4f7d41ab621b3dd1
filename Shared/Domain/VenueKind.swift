/// What kind of place a venue is: a science base (科普基地), a demonstration site (科普示范点), the science museum
/// (科学馆), or a civilization practice site (新时代文明实践阵地).
public enum VenueKind: String, Sendable, Hashable, Codable, CaseIterable {
    case scienceBase = "science_base"
    case demonstrationSite = "demonstration_site"
    case museum
    case practiceSite = "practice_site"
}
