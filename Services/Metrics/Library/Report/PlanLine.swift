/// The lines of the plan (实施方案) the report and the dashboard show one by one, each with the KPIs that measure
/// it and the one its trend chart follows.
enum PlanLine: String, Sendable, CaseIterable {
    /// 二(一) experts' lectures (专家授课).
    case lectures
    /// 二(二) pairings of science bases with communities (结对共建), organised visits, new practice points.
    case pairingsAndVisits = "pairings_and_visits"
    /// 二(三) the mobile science museum (流动科技馆) and the museum's dedicated sessions.
    case mobileMuseum = "mobile_museum"
    /// 二(四) campaign activities (全国科技活动周, 科普日暨深圳科普月, ...).
    case campaigns
    /// 二(五) science books and online works (科普阅读, 科普作品).
    case readingAndWorks = "reading_and_works"
    /// 四(三) the tech volunteer corps (科技志愿者).
    case volunteers
    /// Bookings of venues and lectures' seats (预约).
    case bookings
    /// The order loop (点单-派单-接单-评单), the activities held at all, and the staffing of the centers, institutes
    /// and stations that hold them (三(一) 三级组织体系).
    case activitiesAndOrders = "activities_and_orders"

    var title: String {
        switch self {
        case .lectures: "二(一) Lectures (专家授课)"
        case .pairingsAndVisits: "二(二) Pairings, visits and practice points (结对共建 · 研学实践)"
        case .mobileMuseum: "二(三) Mobile science museum and dedicated sessions (流动科技馆 · 专场)"
        case .campaigns: "二(四) Campaign activities (主题活动)"
        case .readingAndWorks: "二(五) Science books and online works (科普阅读 · 科普作品)"
        case .volunteers: "四(三) Tech volunteers (科技志愿者)"
        case .bookings: "Bookings of venues and seats (预约)"
        case .activitiesAndOrders: "Activities held and the order loop (点单 · 接单 · 评单)"
        }
    }

    var counts: [KPI] {
        switch self {
        case .lectures: [.lecturesHeld, .lectureParticipants, .ratings]
        case .pairingsAndVisits: [.pairingsActive, .visitsHeld, .visitParticipants, .applicationsSubmitted, .applicationsApproved]
        case .mobileMuseum: [.mobileMuseumStops, .mobileMuseumVisitors, .dedicatedSessions, .groupHeadcount]
        case .campaigns: [.campaignActivities, .activitiesHeld]
        case .readingAndWorks:
            [
                .readingActivities, .readingParticipants, .booksDelivered, .booksInStock, .booksOnLoan, .workViews, .workShares, .workReach,
                .informationOfficers,
            ]
        case .volunteers:
            [
                .volunteersRegistered, .siteHeadsRegistered, .verifiedServiceMinutes, .starLevelsReached, .needsSubmitted, .needsMet,
                .volunteerShortfalls,
            ]
        case .bookings: [.sessionsOffered, .seatsOffered, .seatsBooked, .bookingsMade, .checkIns, .noShows, .residentsReached]
        case .activitiesAndOrders:
            [
                .activitiesHeld, .activityParticipants, .youthParticipants, .activityCostFen, .ordersPlaced, .ordersFulfilled, .orderOverdueSteps,
                .practiceSites, .staffedSites,
            ]
        }
    }

    var rates: [KPI.Rate] {
        switch self {
        case .lectures: [.averageRating]
        case .pairingsAndVisits, .mobileMuseum, .campaigns, .readingAndWorks: []
        case .volunteers: [.staffingRate, .needsMetRate]
        case .bookings: [.fillRate, .checkInRate, .noShowRate]
        case .activitiesAndOrders: [.youthShare, .costPerParticipant, .orderFulfilment]
        }
    }

    /// The count the line's trend chart and its summary sentence follow.
    var headline: KPI {
        switch self {
        case .lectures: .lecturesHeld
        case .pairingsAndVisits: .visitsHeld
        case .mobileMuseum: .mobileMuseumStops
        case .campaigns: .campaignActivities
        case .readingAndWorks: .workViews
        case .volunteers: .verifiedServiceMinutes
        case .bookings: .seatsBooked
        case .activitiesAndOrders: .activitiesHeld
        }
    }

    /// The line's KPI names (counts then rates), as the API and the snapshot topic spell them.
    var kpiNames: [String] { counts.map(\.rawValue) + rates.map(\.rawValue) }
}
