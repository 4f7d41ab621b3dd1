/// How a programme on the activity menu (活动菜单) is delivered.
public enum ActivityFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// An expert's talk with a hands-on part (专家授课 + 互动体验).
    case lecture
    /// A visit to a science base, demonstration site or the museum (研学实践).
    case visit
    /// An exhibition, the mobile science museum's among them (流动科技馆).
    case exhibition
    case workshop
    /// A reading activity with science books.
    case reading
}

/// Who a programme is for.
public enum AgeBand: String, Sendable, Hashable, Codable, CaseIterable {
    case children, teens, adults, seniors
}

/// Who provides programmes on the menu.
public enum ProviderKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An expert lecturer (科技工作者), who may also be a tech volunteer.
    case lecturer
    /// A science base or demonstration site (科普基地, 示范点).
    case scienceBase = "science_base"
    /// The science museum (科技馆).
    case museum
    /// A district science association (区科协).
    case association
}

/// Where an order (点单) stands in the loop 点单 → 派单 → 接单 → 汇报 → 审核 → 评单.
public enum OrderStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// A site ordered a programme; the district has not dispatched it yet.
    case placed
    /// Dispatched to a provider (派单), who has not answered yet.
    case dispatched
    /// Published as an open order eligible providers may claim (抢单).
    case open
    /// A provider accepted it with a date (接单): its event is scheduled.
    case accepted
    /// The event was held.
    case held
    /// The site reported the event (汇报).
    case reported
    /// The district passed the report (审核).
    case reviewed
    /// Closed with its rating (评单).
    case closed
    /// Cancelled, with a reason.
    case cancelled
}

/// Where an event (活动) stands.
public enum ActivityEventStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case draft, published, held, reported, cancelled
}
