import Foundation
import KepuContracts
import KepuDomain
import KepuKafka

/// A deterministic mix of the services' events as a programme produces them, for the metrics benchmark: booking's
/// (`SyntheticBookingEvents`), and for each activity outreach-events' records (published, held, reported with a
/// cost) and rating, volunteer's staffing and two volunteers' hours (pending, then verified), content-supply's
/// engagement roll-ups of the works shown at its site that day, and now and then a stock count. Each stream keeps
/// its own order per key; the streams are interleaved in proportion.
public struct SyntheticProgrammeEvents: Sendable {
    public let events: [KafkaProducerMessage]
    /// Per source topic, how many records.
    public let counts: [String: Int]
    /// The booking stream's exact city totals (`SyntheticBookingEvents.cityTotals`).
    public let bookingTotals: [String: Int64]
    /// Activities held (each recorded held, then reported): the city's `activities_held`.
    public let activitiesHeld: Int64

    /// - Parameters:
    ///   - activities: activities over `days` days from `firstDay`, at `sites` stations in 20 districts.
    ///   - bookingSessions: sessions of the booking stream beside them (about 62 events each).
    public init(activities: Int, bookingSessions: Int, sites: Int = 2_000, firstDay: Date, days: Int, seed: UInt64 = 11) {
        var random = SplitMix(seed: seed)
        var outreach: [KafkaProducerMessage] = []
        var volunteer: [KafkaProducerMessage] = []
        var content: [KafkaProducerMessage] = []
        func message(_ topic: String, _ source: String, _ type: String, key: String, _ payload: some Encodable, id: String) -> KafkaProducerMessage? {
            (try? CloudEvent(id: id, source: source, type: type, subject: key, payload: payload))?.kafkaMessage(topic: topic, key: key)
        }
        let volunteers = max(1, sites * 5)
        for index in 0..<activities {
            let site = Int(random.next() % UInt64(max(sites, 1)))
            let district = site % 20
            let path = ["sz", "sz-d\(district)"]
            let siteId = "st.\(site)"
            let event = "act-\(index)"
            let startsAt = firstDay.addingTimeInterval(Double(Int(random.next() % UInt64(max(days, 1)))) * 86_400 + 10 * 3600)
            let day = ShanghaiDay(startsAt).description
            let format: ActivityFormat = [.lecture, .lecture, .reading, .visit][Int(random.next() % 4)]
            func record(_ status: ActivityEventStatus, attendance: EventAttendance? = nil, cost: Int? = nil) -> ActivityEventRecord {
                ActivityEventRecord(
                    eventId: event, status: status, title: "Activity \(index)", siteId: siteId, siteKind: .station, sitePath: path,
                    theme: "science", format: format, startsAt: startsAt, endsAt: startsAt.addingTimeInterval(3_600), costFen: cost,
                    attendance: attendance)
            }
            var attendance = EventAttendance(checkedIn: 10 + Int(random.next() % 40), walkIns: Int(random.next() % 10), durationMinutes: 60)
            attendance.youth = attendance.checkedIn / 2
            let outreachSource = ServiceName.outreachEvents.eventSource
            let topic = Topics.outreachEvents.name
            outreach += [
                message(topic, outreachSource, ActivityEventType.eventRecorded, key: event, record(.published), id: "\(event)-1"),
                message(topic, outreachSource, ActivityEventType.eventRecorded, key: event, record(.held, attendance: attendance), id: "\(event)-2"),
                message(
                    topic, outreachSource, ActivityEventType.eventRecorded, key: event,
                    record(.reported, attendance: attendance, cost: 100_000 + Int(random.next() % 100_000)), id: "\(event)-3"),
                message(
                    topic, outreachSource, ActivityEventType.eventRated, key: event,
                    EventRated(eventId: event, rating: EventRating(ratings: 1 + Int(random.next() % 20), average: 4)), id: "\(event)-4"),
            ].compactMap { $0 }
            let volunteerSource = ServiceName.volunteer.eventSource
            let volunteerTopic = Topics.volunteerEvents.name
            volunteer.append(
                message(
                    volunteerTopic, volunteerSource, VolunteerEventType.eventStaffed, key: event,
                    EventStaffing(eventId: event, sitePath: path + [siteId], needed: 2, accepted: 2, offered: 0, short: 0), id: "\(event)-s")!)
            for helper in 0..<2 {
                let person = "vol-\(random.next() % UInt64(volunteers))"
                for (step, status) in [HoursStatus.pending, .verified].enumerated() {
                    if let hours = message(
                        volunteerTopic, volunteerSource, VolunteerEventType.hoursRecorded, key: person,
                        ServiceHoursRecord(volunteerId: person, teamId: "t-\(district)", eventId: event, minutes: 120, status: status, day: day),
                        id: "\(event)-h\(helper)-\(step)")
                    {
                        volunteer.append(hours)
                    }
                }
            }
            let contentSource = ServiceName.contentSupply.eventSource
            let contentTopic = Topics.contentEvents.name
            for work in 0..<2 {
                let key = "w\(work)/\(siteId)/\(day)"
                let views = 20 + Int64(random.next() % 200)
                if let rollUp = message(
                    contentTopic, contentSource, ContentEventType.engagementRolledUp, key: key,
                    EngagementRollUp(
                        workId: "w\(work)", siteId: siteId, unitPath: path, day: day, views: views, completions: views / 4, shares: views / 20,
                        distinctVisitors: views / 2, distinctVisitorsError: 0.01, flagged: 0), id: "\(event)-w\(work)")
                {
                    content.append(rollUp)
                }
            }
            if index % 10 == 0,
                let stock = message(
                    contentTopic, contentSource, ContentEventType.stockChanged, key: siteId,
                    StockRecord(siteId: siteId, unitPath: path, isbn: "9787020002207", copies: 20 + index % 7, onLoan: index % 5), id: "\(event)-k")
            {
                content.append(stock)
            }
        }
        let booking = SyntheticBookingEvents(
            sessions: bookingSessions, eventsPerSession: 62, firstDay: firstDay, days: days, residents: 200_000, seed: seed)
        // Interleaved in proportion: each stream's next record when its share of the whole is behind.
        let streams = [booking.events, outreach, volunteer, content]
        let total = streams.reduce(0) { $0 + $1.count }
        var next = [Int](repeating: 0, count: streams.count)
        var merged: [KafkaProducerMessage] = []
        merged.reserveCapacity(total)
        while merged.count < total {
            var pick = -1
            var lowest = Double.infinity
            for (stream, records) in streams.enumerated() where next[stream] < records.count {
                let progress = Double(next[stream]) / Double(records.count)
                if progress < lowest {
                    lowest = progress
                    pick = stream
                }
            }
            merged.append(streams[pick][next[pick]])
            next[pick] += 1
        }
        events = merged
        bookingTotals = booking.cityTotals
        activitiesHeld = Int64(activities)
        counts = [
            Topics.bookingEvents.name: booking.events.count, Topics.outreachEvents.name: outreach.count, Topics.volunteerEvents.name: volunteer.count,
            Topics.contentEvents.name: content.count,
        ]
    }
}
