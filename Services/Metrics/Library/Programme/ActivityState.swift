import KepuContracts
import KepuDomain

/// An activity (活动) as metrics counts it: what outreach-events last recorded of the event, and its ratings. Its
/// numbers belong to the day it was held and its site (and every unit above it): a newer record moves them.
struct ActivityState: CountedState {
    static let kind = "activity"
    static let counting = StateCounting.moves

    /// The site's unit path, city first, the site last (empty until the event is recorded).
    var unitPath: [String] = []
    var day: ShanghaiDay?
    var status: ActivityEventStatus?
    var format: ActivityFormat?
    var participants: Int64 = 0
    var costFen: Int64 = 0
    var inCampaign = false
    /// A stop of the mobile science museum's tour (流动科技馆).
    var tour = false
    /// The programme's theme (科普主题) and the pairing (结对共建) the event fulfils; optional, as states saved
    /// before migration 13 have neither.
    var theme: String?
    var pairingId: String?
    /// Young people among the participants, as the site counted them (nil: not counted; states saved before
    /// migration 15 have none).
    var youth: Int64?
    var ratings: Int64 = 0
    /// The ratings' sum in hundredths of a point.
    var ratingPoints: Int64 = 0

    /// Takes outreach's record of the event as it now stands.
    mutating func record(_ record: ActivityEventRecord) {
        unitPath = record.sitePath + [record.siteId]
        day = ShanghaiDay(record.startsAt)
        status = record.status
        format = record.format
        // Both validated to 0...FieldLimit.count at decode: the sum cannot overflow.
        participants = record.attendance.map { Int64($0.checkedIn) + Int64($0.walkIns) } ?? 0
        // Validated to 0...participants at decode.
        youth = record.attendance?.youth.map(Int64.init)
        costFen = Int64(record.costFen ?? 0)
        inCampaign = !record.campaigns.isEmpty
        tour = record.tourId != nil
        theme = record.theme
        pairingId = record.pairingId
    }

    /// Takes the event's ratings as they now stand (a count and a mean, validated to 0...5).
    mutating func rate(_ rating: EventRating) {
        ratings = Int64(rating.ratings)
        ratingPoints = Int64((Double(rating.ratings) * rating.average * 100).rounded())
    }

    /// Whether it took place: held, or held and reported.
    var held: Bool { status == .held || status == .reported }

    var counts: [KPI: Int64] {
        guard status != nil else { return [:] }
        var counts: [KPI: Int64] = [:]
        if held {
            counts[.activitiesHeld] = 1
            counts[.activityParticipants] = participants
            counts[.activityCostFen] = costFen
            counts[.youthParticipants] = youth ?? 0
            switch format {
            case .lecture: (counts[.lecturesHeld], counts[.lectureParticipants]) = (1, participants)
            case .visit: (counts[.visitsHeld], counts[.visitParticipants]) = (1, participants)
            case .reading: (counts[.readingActivities], counts[.readingParticipants]) = (1, participants)
            case .exhibition, .workshop, nil: break
            }
            if tour { (counts[.mobileMuseumStops], counts[.mobileMuseumVisitors]) = (1, participants) }
            if inCampaign { counts[.campaignActivities] = 1 }
        } else if status == .cancelled {
            counts[.activitiesCancelled] = 1
        }
        // Ratings count whatever the status says now (they were given to an event that took place).
        counts[.ratings] = ratings
        counts[.ratingPoints] = ratingPoints
        return counts.filter { $0.value != 0 }
    }
}
