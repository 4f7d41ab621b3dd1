import KepuDomain
import PostgresNIO

/// The KPIs metrics keeps per unit and period. Counts are stored; rates are computed from two counts and always
/// published with their numerator and denominator.
///
/// Everything about a session counts in the period of the session's start (its Shanghai day), so a month's seats
/// booked and seats offered describe the same sessions and the fill rate means what it says.
enum KPI: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // Offer (from session-created / session-changed).
    case sessionsOffered = "sessions_offered"
    case seatsOffered = "seats_offered"
    /// Museum dedicated sessions (专场) opened for pooled groups.
    case dedicatedSessions = "dedicated_sessions"
    // Demand and what became of it.
    case bookingsConfirmed = "bookings_confirmed"
    case seatsConfirmed = "seats_confirmed"
    /// Confirmed bookings plus promotions from the waitlist: the bookings that held seats.
    case bookingsMade = "bookings_made"
    /// Seats held right now: confirmed + promoted − released by cancellations.
    case seatsBooked = "seats_booked"
    case groupBookings = "group_bookings"
    case groupHeadcount = "group_headcount"
    case waitlisted
    case promoted
    case promotedSeats = "promoted_seats"
    case cancelledOnTime = "cancelled_on_time"
    case cancelledLate = "cancelled_late"
    case checkIns = "check_ins"
    case checkedInSeats = "checked_in_seats"
    case noShows = "no_shows"
    case rejected
    /// Turned away because the session and its waitlist were full: demand the unit did not meet.
    case rejectedFull = "rejected_full"
    /// Distinct residents with a confirmed individual booking: a HyperLogLog estimate (see `ReachSketch`), kept
    /// for months, quarters, years and phases (a day or a week has no reach figure: the sketch rewrite per batch
    /// for every touched day would cost more than the rest of the fold).
    case residentsReached = "residents_reached"

    // Activities (活动), from outreach-events' `event-recorded` and `event-rated`: counted on the event's Shanghai day,
    // at its site and every unit above it, once held (or reported); a change of the record moves its numbers.
    /// Activities held: every format (二 the programme's activities).
    case activitiesHeld = "activities_held"
    /// Participants of activities held: checked-in seats plus walk-ins.
    case activityParticipants = "activity_participants"
    /// 二(一) lectures (专家授课) held and their participants.
    case lecturesHeld = "lectures_held"
    case lectureParticipants = "lecture_participants"
    /// 二(二) organised visits (研学实践) to science bases, demonstration sites and the museum.
    case visitsHeld = "visits_held"
    case visitParticipants = "visit_participants"
    /// 二(三) the mobile science museum's stops (流动科技馆: events of a tour) and their visitors.
    case mobileMuseumStops = "mobile_museum_stops"
    case mobileMuseumVisitors = "mobile_museum_visitors"
    /// 二(五) reading activities (科普阅读) and their readers.
    case readingActivities = "reading_activities"
    case readingParticipants = "reading_participants"
    /// 二(四) activities held within a campaign (全国科技活动周, 全国科普日暨深圳科普月, ...).
    case campaignActivities = "campaign_activities"
    case activitiesCancelled = "activities_cancelled"
    /// Residents' ratings (1-5) of activities, and their sum in hundredths of a point (`average_rating`).
    case ratings
    case ratingPoints = "rating_points"
    /// What the activities held cost, in fen (分), as outreach recorded it: for funding performance (四(二)).
    case activityCostFen = "activity_cost_fen"

    // The tech volunteer corps (四(三)), from the volunteer service's events. Running totals (volunteers registered,
    // needs surveyed, staffing asked and given) count their growth where and when it was reported: a period holds
    // what changed in it, all periods together the total. Hours count on the day served, at the volunteer's home.
    /// Volunteers registered and active, net: joined minus left, at their home unit.
    case volunteersRegistered = "volunteers_registered"
    /// Heads of practice sites (阵地负责人) registered as volunteers, net.
    case siteHeadsRegistered = "site_heads_registered"
    /// Verified service minutes (hours × 60, so the counter stays whole).
    case verifiedServiceMinutes = "verified_service_minutes"
    /// Star levels (星级志愿者) reached.
    case starLevelsReached = "star_levels_reached"
    /// Volunteers activities asked for, and those who accepted (events' staffing).
    case volunteersNeeded = "volunteers_needed"
    case volunteersAccepted = "volunteers_accepted"
    /// Activities still short of volunteers shortly before they start.
    case volunteerShortfalls = "volunteer_shortfalls"
    /// Residents' needs surveyed, and those an activity met.
    case needsSubmitted = "needs_submitted"
    case needsMet = "needs_met"

    // Science books and online works (二(五)), from content-supply's events. Stock and officers are running totals
    // (their growth counted where and when reported); a work's engagement counts on its own day.
    /// Copies donated in lots, at the lot's district, and copies shipped to sites (allocated, once shipped).
    case booksDonated = "books_donated"
    case booksDelivered = "books_delivered"
    /// Copies held by sites (on the shelf and lent out), net, and those lent out, net.
    case booksInStock = "books_in_stock"
    case booksOnLoan = "books_on_loan"
    /// Copies used in reading activities (科普阅读).
    case readingBooksUsed = "reading_books_used"
    /// Online works' views, completions and shares at the sites.
    case workViews = "work_views"
    case workCompletions = "work_completions"
    case workShares = "work_shares"
    /// Distinct visitors per work, site and day, summed: each a sketch's estimate (about 1 % error), the sum an
    /// upper bound of the distinct residents reached (a resident counts once per work and day).
    case workReach = "work_reach"
    /// Information officers (信息员) with points, and their points, net.
    case informationOfficers = "information_officers"
    case officerPoints = "officer_points"

    // The organisation (二(二), 三), from outreach-events' pairings, applications and orders: running totals, their
    // growth counted where and when reported.
    /// Pairings (结对共建) active, net, at the base's unit.
    case pairingsActive = "pairings_active"
    /// Applications to become a practice point submitted, and approved (new practice points).
    case applicationsSubmitted = "applications_submitted"
    case applicationsApproved = "applications_approved"
    /// Sites' orders of programmes (点单) placed, and fulfilled (held, reported, reviewed or closed).
    case ordersPlaced = "orders_placed"
    case ordersFulfilled = "orders_fulfilled"
    /// Steps of the order loop that passed their deadline.
    case orderOverdueSteps = "order_overdue_steps"

    // Staffing coverage (三(一), 三级组织体系), from the registry's sites and outreach-events' staff: levels, net.
    /// Active practice sites that should be staffed: centers, institutes and stations.
    case practiceSites = "practice_sites"
    /// Those of them with at least one active member of staff.
    case staffedSites = "staffed_sites"

    /// Young people (青少年, under 18) among the participants of activities held, as the sites counted them at the
    /// door (an activity held without a count adds none): the youth share's numerator (district scoring sheet).
    case youthParticipants = "youth_participants"

    static let reachPeriods: Set<ReportingPeriod.Kind> = [.month, .quarter, .year, .phase]

    /// Every count, in the order of `kpi_counter`'s columns and of the `changed` bits (append only: a new count
    /// goes last, with a migration adding its column). At most 64, and there are 64: `changed` is a bigint, so the
    /// next count needs a second mask column.
    static let counts = allCases

    /// The counts `kpi_counter` was created with (migration 1), frozen: later counts are added by later migrations.
    static let countsOfMigration1: [KPI] = [
        .sessionsOffered, .seatsOffered, .dedicatedSessions, .bookingsConfirmed, .seatsConfirmed, .bookingsMade, .seatsBooked, .groupBookings,
        .groupHeadcount, .waitlisted, .promoted, .promotedSeats, .cancelledOnTime, .cancelledLate, .checkIns, .checkedInSeats, .noShows,
        .rejected, .rejectedFull, .residentsReached,
    ]

    /// The counts of the activities (migration 6).
    static let activityCounts: [KPI] = [
        .activitiesHeld, .activityParticipants, .lecturesHeld, .lectureParticipants, .visitsHeld, .visitParticipants, .mobileMuseumStops,
        .mobileMuseumVisitors, .readingActivities, .readingParticipants, .campaignActivities, .activitiesCancelled, .ratings, .ratingPoints,
        .activityCostFen,
    ]

    /// The counts of the volunteer corps (migration 6).
    static let volunteerCounts: [KPI] = [
        .volunteersRegistered, .siteHeadsRegistered, .verifiedServiceMinutes, .starLevelsReached, .volunteersNeeded, .volunteersAccepted,
        .volunteerShortfalls, .needsSubmitted, .needsMet,
    ]

    /// The counts of books and online works (migration 7).
    static let contentCounts: [KPI] = [
        .booksDonated, .booksDelivered, .booksInStock, .booksOnLoan, .readingBooksUsed, .workViews, .workCompletions, .workShares, .workReach,
        .informationOfficers, .officerPoints,
    ]

    /// The counts of the organisation's pairings, applications and orders (migration 8).
    static let organisationCounts: [KPI] = [
        .pairingsActive, .applicationsSubmitted, .applicationsApproved, .ordersPlaced, .ordersFulfilled, .orderOverdueSteps,
    ]

    /// The counts of staffing coverage (migration 14).
    static let staffingCounts: [KPI] = [.practiceSites, .staffedSites]

    /// The youth count of the activities (migration 15).
    static let youthCounts: [KPI] = [.youthParticipants]

    /// The name in the database, in snapshots and in the API (so interpolating a KPI writes its column name).
    var description: String { rawValue }

    /// A rate: `numerator / denominator`, both counts above.
    enum Rate: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case fillRate = "fill_rate"
        case noShowRate = "no_show_rate"
        case checkInRate = "check_in_rate"
        /// Waitlist conversion: how many waitlisted entries got seats.
        case waitlistConversion = "waitlist_conversion"
        /// Residents' mean rating of the activities (1-5).
        case averageRating = "average_rating"
        /// Fen (分) spent per participant of the activities held.
        case costPerParticipant = "cost_per_participant"
        /// Volunteers who accepted, per volunteer asked for.
        case staffingRate = "staffing_rate"
        /// Residents' needs met, per need surveyed.
        case needsMetRate = "needs_met_rate"
        /// Orders fulfilled, per order placed (the order loop's fulfilment).
        case orderFulfilment = "order_fulfilment"
        /// Young people among the participants of activities held (青少年占比).
        case youthShare = "youth_share"

        var name: String { rawValue }
        var description: String { rawValue }

        var numerator: KPI {
            switch self {
            case .fillRate: .seatsBooked
            case .noShowRate: .noShows
            case .checkInRate: .checkIns
            case .waitlistConversion: .promoted
            case .averageRating: .ratingPoints
            case .costPerParticipant: .activityCostFen
            case .staffingRate: .volunteersAccepted
            case .needsMetRate: .needsMet
            case .orderFulfilment: .ordersFulfilled
            case .youthShare: .youthParticipants
            }
        }

        var denominator: KPI {
            switch self {
            case .fillRate: .seatsOffered
            case .noShowRate, .checkInRate: .bookingsMade
            case .waitlistConversion: .waitlisted
            case .averageRating: .ratings
            case .costPerParticipant, .youthShare: .activityParticipants
            case .staffingRate: .volunteersNeeded
            case .needsMetRate: .needsSubmitted
            case .orderFulfilment: .ordersPlaced
            }
        }

        /// The value is `numerator / denominator / scale` (rating points are kept in hundredths).
        var scale: Double { self == .averageRating ? 100 : 1 }

        /// A share of a whole (shown as a percentage), not a mean (a rating, fen per participant).
        var isShare: Bool {
            switch self {
            case .fillRate, .noShowRate, .checkInRate, .waitlistConversion, .staffingRate, .needsMetRate, .orderFulfilment, .youthShare: true
            case .averageRating, .costPerParticipant: false
            }
        }
    }

    static let rates = Rate.allCases
}

extension KPI {
    /// The count columns of `kpi_counter`, comma-separated (names from the fixed list above, never from input).
    static let columns = counts.map(\.rawValue).joined(separator: ", ")

    /// A bit per count, in `counts` order, for the counts `deltas` changes (non-zero).
    static func changeMask(of deltas: [KPI: Int64]) -> Int64 {
        var mask: Int64 = 0
        for (kpi, amount) in deltas where amount != 0 { mask |= 1 << Int64(kpi.position) }
        return mask
    }

    /// The counts a mask names.
    static func changed(in mask: Int64) -> Set<KPI> {
        Set(counts.enumerated().filter { mask & (1 << Int64($0.offset)) != 0 }.map(\.element))
    }
}

/// A unit's numbers for one period: counts by KPI name, and the rates computed from them.
struct KPIValues: Sendable, Hashable {
    var counts: [KPI: Int64] = [:]

    subscript(_ kpi: KPI) -> Int64 { counts[kpi] ?? 0 }

    /// From a row whose columns `start...` are `KPI.columns`, in that order.
    init(row: PostgresRandomAccessRow, from start: Int) throws {
        try self.init(row: row, from: start, counts: KPI.counts)
    }

    /// From a row whose columns `start...` are `counts`, in that order (the others are zero).
    init(row: PostgresRandomAccessRow, from start: Int, counts read: [KPI]) throws {
        for (offset, kpi) in read.enumerated() { counts[kpi] = try row[start + offset].decode(Int64.self) }
    }

    init() {}

    func rate(_ rate: KPI.Rate) -> (value: Double, numerator: Int64, denominator: Int64) {
        let numerator = self[rate.numerator]
        let denominator = self[rate.denominator]
        return (denominator > 0 ? Double(numerator) / Double(denominator) / rate.scale : 0, numerator, denominator)
    }

}

/// A rate as the API shows it: the value with what it was computed from.
struct RateValue: Codable, Sendable, Equatable {
    let value: Double
    let numerator: Int64
    let denominator: Int64
}

extension KPIValues: Encodable {
    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// For the HTTP API: every count by name, and each rate as value, numerator and denominator.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for kpi in KPI.counts { try container.encode(self[kpi], forKey: Key(stringValue: kpi.rawValue)) }
        for rate in KPI.rates {
            let (value, numerator, denominator) = self.rate(rate)
            try container.encode(RateValue(value: value, numerator: numerator, denominator: denominator), forKey: Key(stringValue: rate.rawValue))
        }
    }
}
