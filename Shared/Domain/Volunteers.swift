/// What a tech volunteer (科技志愿者) is to the corps.
public enum VolunteerRole: String, Sendable, Hashable, Codable, CaseIterable {
    case volunteer
    /// The head of a practice center, institute or station (阵地负责人), registered as a tech volunteer and linked to
    /// the site: the seed asks for every site's head to be registered.
    case siteHead = "site_head"
}

/// A qualification a volunteer holds until it expires; some skills require one on the day they are used.
public enum Qualification: String, Sendable, Hashable, Codable, CaseIterable {
    /// First-aid training (急救培训).
    case firstAid = "first_aid"
    /// A teaching qualification (教师资格) or lecturer accreditation.
    case teaching
    /// Laboratory safety, for experiments with the public.
    case labSafety = "lab_safety"
    /// Safeguarding children, for activities with minors.
    case childSafeguarding = "child_safeguarding"
}

/// Where a volunteer's assignment to an event stands. An offer and an acceptance hold the volunteer's time (no
/// other assignment may overlap them); so does a served one.
public enum AssignmentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Offered, waiting for the volunteer's answer until its deadline.
    case offered
    case accepted
    case declined
    /// Not answered in time.
    case expired
    /// No longer needed (the event needs fewer volunteers).
    case withdrawn
    /// The event was cancelled.
    case cancelled
    /// The event was held: the volunteer's hours are recorded.
    case served

    /// Whether the volunteer's time is taken.
    public var holdsTime: Bool { self == .offered || self == .accepted || self == .served }
}

/// Service hours as recorded (pending) and as a team leader verified them.
public enum HoursStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, verified
}

/// A star level (星级志愿者) by verified service hours, as the national record rules set them.
public enum StarLevel: Int, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case one = 1
    case two, three, four, five

    /// Verified hours at which the level is reached.
    public var hours: Int {
        switch self {
        case .one: 100
        case .two: 300
        case .three: 600
        case .four: 1_000
        case .five: 1_500
        }
    }

    /// The highest level `minutes` of verified service reach, nil below the first.
    public static func reached(minutes: Int) -> StarLevel? {
        allCases.last { minutes >= $0.hours * 60 }
    }

    public static func < (lhs: StarLevel, rhs: StarLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
