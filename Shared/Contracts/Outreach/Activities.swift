import Foundation
import KepuDomain

/// The CloudEvents types of the activity menu, its orders and events on `kepu.outreach.events.v1`; each carries
/// the whole current record of its aggregate (keyed by its id), so a consumer keeps the latest.
public enum ActivityEventType {
    public static let programmeRecorded = "kepu.outreach.programme-recorded.v1"
    public static let campaignRecorded = "kepu.outreach.campaign-recorded.v1"
    public static let orderChanged = "kepu.outreach.order-changed.v1"
    /// An order's step passed its deadline (metrics alerts on it).
    public static let orderOverdue = "kepu.outreach.order-overdue.v1"
    public static let eventRecorded = "kepu.outreach.event-recorded.v1"
    public static let eventRated = "kepu.outreach.event-rated.v1"
    /// A request on `kepu.outreach.requests.v1` that could not be acted on, for the frontend that sent it.
    public static let requestRejected = "kepu.outreach.request-rejected.v1"
    public static let all = [programmeRecorded, campaignRecorded, orderChanged, orderOverdue, eventRecorded, eventRated, requestRejected]
}

/// `kepu.outreach.programme-recorded.v1`: a programme on the activity menu (活动菜单) as it now stands.
public struct ProgrammeRecord: Sendable, Hashable, Codable {
    public var programmeId: String
    public var title: String
    /// A theme code (`GET /api/themes`), e.g. `health`, `rumour_debunking`.
    public var theme: String
    public var format: ActivityFormat
    public var audiences: [AgeBand]
    public var durationMinutes: Int
    public var capacityMin: Int
    public var capacityMax: Int
    public var providerId: String
    public var providerKind: ProviderKind
    /// The districts the provider serves with it (unit ids).
    public var districts: [String]
    public var active: Bool

    public init(
        programmeId: String, title: String, theme: String, format: ActivityFormat, audiences: [AgeBand], durationMinutes: Int, capacityMin: Int,
        capacityMax: Int, providerId: String, providerKind: ProviderKind, districts: [String], active: Bool
    ) {
        self.programmeId = programmeId
        self.title = title
        self.theme = theme
        self.format = format
        self.audiences = audiences
        self.durationMinutes = durationMinutes
        self.capacityMin = capacityMin
        self.capacityMax = capacityMax
        self.providerId = providerId
        self.providerKind = providerKind
        self.districts = districts
        self.active = active
    }
}

/// `kepu.outreach.campaign-recorded.v1`: a campaign on the calendar (全国科普日暨深圳科普月, 全国科技活动周, ...).
public struct CampaignRecord: Sendable, Hashable, Codable {
    public var campaignId: String
    public var name: String
    public var from: String
    public var until: String
    public var themes: [String]

    public init(campaignId: String, name: String, from: String, until: String, themes: [String]) {
        self.campaignId = campaignId
        self.name = name
        self.from = from
        self.until = until
        self.themes = themes
    }
}

/// `kepu.outreach.order-changed.v1`: an order after a step of the loop 点单 → 派单 → 接单 → 汇报 → 审核 → 评单: where
/// it stands, the step taken (by whom, in which role), and the deadline of the next step.
public struct OrderRecord: Sendable, Hashable, Codable {
    public var orderId: String
    public var status: OrderStatus
    public var siteId: String
    /// The ordering site's unit path, city first.
    public var sitePath: [String]
    public var programmeId: String
    /// The provider it is dispatched to or claimed by.
    public var providerId: String?
    /// The days the site wants it within (yyyy-MM-dd).
    public var from: String
    public var until: String
    public var expectedAudience: Int
    /// The event the accepted order became.
    public var eventId: String?
    /// The step just taken (`place`, `dispatch`, `publish`, `claim`, `accept`, `decline`, `held`, `report`,
    /// `review`, `close`, `cancel`).
    public var step: String
    public var actor: String
    public var actorRole: String
    public var at: Date
    /// Why (a decline, a cancellation, a failed review).
    public var reason: String?
    /// When the next step is due; nil once the order is closed or cancelled.
    public var deadline: Date?
    /// Once closed: the residents' ratings of its event.
    public var rating: EventRating?

    public init(
        orderId: String, status: OrderStatus, siteId: String, sitePath: [String], programmeId: String, providerId: String?, from: String,
        until: String, expectedAudience: Int, eventId: String?, step: String, actor: String, actorRole: String, at: Date, reason: String?,
        deadline: Date?, rating: EventRating?
    ) {
        self.orderId = orderId
        self.status = status
        self.siteId = siteId
        self.sitePath = sitePath
        self.programmeId = programmeId
        self.providerId = providerId
        self.from = from
        self.until = until
        self.expectedAudience = expectedAudience
        self.eventId = eventId
        self.step = step
        self.actor = actor
        self.actorRole = actorRole
        self.at = at
        self.reason = reason
        self.deadline = deadline
        self.rating = rating
    }
}

/// `kepu.outreach.order-overdue.v1`: an order's step passed its deadline (raised once per step).
public struct OrderOverdue: Sendable, Hashable, Codable {
    public var orderId: String
    public var status: OrderStatus
    public var siteId: String
    public var sitePath: [String]
    public var providerId: String?
    public var deadline: Date

    public init(orderId: String, status: OrderStatus, siteId: String, sitePath: [String], providerId: String?, deadline: Date) {
        self.orderId = orderId
        self.status = status
        self.siteId = siteId
        self.sitePath = sitePath
        self.providerId = providerId
        self.deadline = deadline
    }
}

/// An event's seats: booking opens a session of `capacity` at the event's site (its id is the event's).
public struct EventSeats: Sendable, Hashable, Codable {
    public var capacity: Int
    /// Defaults: from publication until the start.
    public var bookingOpensAt: Date?
    public var bookingClosesAt: Date?
    public var maxSeatsPerRequest: Int?
    public var groupMin: Int?
    public var groupMax: Int?

    public init(
        capacity: Int, bookingOpensAt: Date? = nil, bookingClosesAt: Date? = nil, maxSeatsPerRequest: Int? = nil, groupMin: Int? = nil,
        groupMax: Int? = nil
    ) {
        self.capacity = capacity
        self.bookingOpensAt = bookingOpensAt
        self.bookingClosesAt = bookingClosesAt
        self.maxSeatsPerRequest = maxSeatsPerRequest
        self.groupMin = groupMin
        self.groupMax = groupMax
    }
}

/// Who came to a held event: checked-in bookings (from booking's events) and walk-ins the site reported.
public struct EventAttendance: Sendable, Hashable, Codable {
    public var checkedIn: Int
    public var walkIns: Int
    public var durationMinutes: Int?
    /// Young people (青少年, under 18) among those who came, as the site counted them at the door (a count, never who):
    /// nil when it did not count them.
    public var youth: Int?

    public init(checkedIn: Int, walkIns: Int, durationMinutes: Int?, youth: Int? = nil) {
        self.checkedIn = checkedIn
        self.walkIns = walkIns
        self.durationMinutes = durationMinutes
        self.youth = youth
    }
}

/// Volunteers an event needs (for the volunteer service, which answers with assignments or a shortfall).
public struct VolunteerNeeds: Sendable, Hashable, Codable {
    public var count: Int
    /// Skill codes.
    public var skills: [String]
    public var from: Date
    public var until: Date

    public init(count: Int, skills: [String], from: Date, until: Date) {
        self.count = count
        self.skills = skills
        self.from = from
        self.until = until
    }
}

/// Residents' ratings (1-5) of an event: how many, and their mean.
public struct EventRating: Sendable, Hashable, Codable {
    public var ratings: Int
    public var average: Double

    public init(ratings: Int, average: Double) {
        self.ratings = ratings
        self.average = average
    }
}

/// `kepu.outreach.event-recorded.v1`: an event (活动) as it now stands. No personal data: attendance is counted.
public struct ActivityEventRecord: Sendable, Hashable, Codable {
    public var eventId: String
    public var status: ActivityEventStatus
    public var title: String
    public var siteId: String
    public var siteKind: SiteKind
    /// The site's unit path, city first.
    public var sitePath: [String]
    public var theme: String
    public var format: ActivityFormat
    public var programmeId: String?
    public var providerId: String?
    public var orderId: String?
    /// The pairing (结对共建) the event fulfils.
    public var pairingId: String?
    public var campaigns: [String]
    public var startsAt: Date
    public var endsAt: Date
    /// Bookable when present (booking opens a session with the event's id).
    public var seats: EventSeats?
    /// What the event cost, in fen (分): for funding performance.
    public var costFen: Int?
    public var attendance: EventAttendance?
    public var report: String?
    public var cancellationReason: String?
    public var volunteerNeeds: VolunteerNeeds?
    /// A mobile science museum stop: its tour and exhibit kit.
    public var tourId: String?
    public var kitId: String?

    public init(
        eventId: String, status: ActivityEventStatus, title: String, siteId: String, siteKind: SiteKind, sitePath: [String], theme: String,
        format: ActivityFormat, programmeId: String? = nil, providerId: String? = nil, orderId: String? = nil, pairingId: String? = nil,
        campaigns: [String] = [], startsAt: Date, endsAt: Date, seats: EventSeats? = nil, costFen: Int? = nil, attendance: EventAttendance? = nil,
        report: String? = nil, cancellationReason: String? = nil, volunteerNeeds: VolunteerNeeds? = nil, tourId: String? = nil,
        kitId: String? = nil
    ) {
        self.eventId = eventId
        self.status = status
        self.title = title
        self.siteId = siteId
        self.siteKind = siteKind
        self.sitePath = sitePath
        self.theme = theme
        self.format = format
        self.programmeId = programmeId
        self.providerId = providerId
        self.orderId = orderId
        self.pairingId = pairingId
        self.campaigns = campaigns
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.seats = seats
        self.costFen = costFen
        self.attendance = attendance
        self.report = report
        self.cancellationReason = cancellationReason
        self.volunteerNeeds = volunteerNeeds
        self.tourId = tourId
        self.kitId = kitId
    }
}

/// `kepu.outreach.event-rated.v1`: an event's ratings after one more (no resident, no comment).
public struct EventRated: Sendable, Hashable, Codable {
    public var eventId: String
    public var rating: EventRating

    public init(eventId: String, rating: EventRating) {
        self.eventId = eventId
        self.rating = rating
    }
}
