/// Who a booking is for: one resident (个人) or a group from a unit (团体).
public enum PartyKind: String, Sendable, Hashable, Codable, CaseIterable {
    case individual, group
}
