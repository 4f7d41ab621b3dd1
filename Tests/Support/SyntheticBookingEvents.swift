import Foundation
import KepuContracts
import KepuDomain
import KepuKafka

/// A deterministic stream of booking events as `booking` publishes them (binary CloudEvents keyed by session),
/// over a small city of districts, streets and communities: sessions created, then confirmations, waitlists,
/// promotions, cancellations (some late), check-ins, no-shows and rejections. For the metrics tests and benchmark.
public struct SyntheticBookingEvents: Sendable {
    public let events: [KafkaProducerMessage]
    /// What an exact count of the stream gives for the city over all time, by KPI name.
    public let cityTotals: [String: Int64]

    /// - Parameters:
    ///   - sessions: how many sessions (spread over `days` Shanghai days starting at `firstDay`).
    ///   - eventsPerSession: about how many booking events follow each session-created.
    ///   - prefix: starts every session and event id, so two streams can share a topic.
    public init(sessions: Int, eventsPerSession: Int, firstDay: Date, days: Int, residents: Int = 5000, seed: UInt64 = 42, prefix: String = "syn") {
        var random = SplitMix(seed: seed)
        var events: [KafkaProducerMessage] = []
        var totals: [String: Int64] = [:]
        let topic = Topics.bookingEvents.name
        func emit<P: Encodable>(_ session: String, _ type: String, _ payload: P) {
            // Deterministic ids, so two runs (and a rebuild) see the same records.
            let id = "\(prefix)-\(events.count)"
            guard let event = try? CloudEvent(id: id, source: "/kepu/booking", type: type, payload: payload) else { return }
            events.append(event.kafkaMessage(topic: topic, key: session))
        }
        for index in 0..<sessions {
            let district = Int(random.next() % 4)
            let street = Int(random.next() % 2)
            let community = Int(random.next() % 2)
            let path = ["sz", "sz-d\(district)", "sz-d\(district)-s\(street)", "sz-d\(district)-s\(street)-c\(community)"]
            let session = "\(prefix)-session-\(index)"
            let startsAt = firstDay.addingTimeInterval(Double(Int(random.next() % UInt64(max(days, 1)))) * 86_400 + 9 * 3600)
            let capacity = 20 + Int(random.next() % 40)
            emit(
                session, BookingEventType.sessionCreated,
                SessionPublished(
                    sessionId: session, venueId: "venue-\(district)-\(street)-\(community)", venueKind: .practiceSite, unitPath: path,
                    title: "Lecture \(index)", startsAt: startsAt, endsAt: startsAt.addingTimeInterval(7200), capacity: capacity,
                    dedicated: index % 50 == 0))
            totals["sessions_offered", default: 0] += 1
            totals["seats_offered", default: 0] += Int64(capacity)
            if index % 50 == 0 { totals["dedicated_sessions", default: 0] += 1 }
            var booked = 0
            var waiting: [(booking: String, seats: Int, group: Bool, resident: String)] = []
            var bookings: [(String, Int)] = []
            for n in 0..<eventsPerSession {
                let roll = random.next() % 100
                let request = "\(session)-r\(n)"
                let booking = "\(session)-b\(n)"
                switch roll {
                case 0..<55:
                    let group = roll < 5
                    let seats = group ? 5 + Int(random.next() % 10) : 1 + Int(random.next() % 3)
                    let resident = "res-\(random.next() % UInt64(residents))"
                    if booked + seats <= capacity {
                        booked += seats
                        bookings.append((booking, seats))
                        emit(
                            session, BookingEventType.confirmed,
                            BookingConfirmed(
                                requestId: request, bookingId: booking, sessionId: session, venueId: "v", seats: seats,
                                partyKind: group ? .group : .individual,
                                residentId: group ? nil : resident, unitId: group ? path[3] : nil))
                        totals["bookings_confirmed", default: 0] += 1
                        totals["seats_confirmed", default: 0] += Int64(seats)
                        totals["bookings_made", default: 0] += 1
                        totals["seats_booked", default: 0] += Int64(seats)
                        if group {
                            totals["group_bookings", default: 0] += 1
                            totals["group_headcount", default: 0] += Int64(seats)
                        }
                    } else if waiting.count < 5 {
                        waiting.append((booking, seats, group, resident))
                        emit(
                            session, BookingEventType.waitlisted,
                            BookingWaitlisted(requestId: request, bookingId: booking, sessionId: session, seats: seats, position: waiting.count))
                        totals["waitlisted", default: 0] += 1
                    } else {
                        emit(
                            session, BookingEventType.rejected, BookingRejected(requestId: request, sessionId: session, reason: .full, detail: "full")
                        )
                        totals["rejected", default: 0] += 1
                        totals["rejected_full", default: 0] += 1
                    }
                case 55..<65:
                    guard let (booking, seats) = bookings.popLast() else { continue }
                    let late = random.next() % 4 == 0
                    booked -= seats
                    emit(
                        session, BookingEventType.cancelled,
                        BookingCancelled(requestId: request, bookingId: booking, sessionId: session, seatsFreed: seats, late: late))
                    totals[late ? "cancelled_late" : "cancelled_on_time", default: 0] += 1
                    totals["seats_booked", default: 0] -= Int64(seats)
                    if let next = waiting.first, booked + next.seats <= capacity {
                        waiting.removeFirst()
                        booked += next.seats
                        bookings.append((next.booking, next.seats))
                        emit(
                            session, BookingEventType.promoted,
                            BookingPromoted(
                                bookingId: next.booking, sessionId: session, seats: next.seats, requestedSeats: next.seats,
                                partyKind: next.group ? .group : .individual, residentId: next.group ? nil : next.resident,
                                unitId: next.group ? path[3] : nil))
                        totals["promoted", default: 0] += 1
                        totals["promoted_seats", default: 0] += Int64(next.seats)
                        totals["bookings_made", default: 0] += 1
                        totals["seats_booked", default: 0] += Int64(next.seats)
                        if next.group {
                            totals["group_bookings", default: 0] += 1
                            totals["group_headcount", default: 0] += Int64(next.seats)
                        }
                    }
                case 65..<90:
                    guard let (booking, seats) = bookings.popLast() else { continue }
                    emit(
                        session, BookingEventType.checkedIn,
                        BookingCheckedIn(requestId: request, bookingId: booking, sessionId: session, seats: seats))
                    totals["check_ins", default: 0] += 1
                    totals["checked_in_seats", default: 0] += Int64(seats)
                case 90..<97:
                    guard let (booking, seats) = bookings.popLast() else { continue }
                    emit(
                        session, BookingEventType.noShowRecorded,
                        NoShowRecorded(bookingId: booking, sessionId: session, residentId: "x", seats: seats, lateCancellation: false))
                    totals["no_shows", default: 0] += 1
                default:
                    emit(
                        session, BookingEventType.rejected,
                        BookingRejected(requestId: request, sessionId: session, reason: .overLimit, detail: "over"))
                    totals["rejected", default: 0] += 1
                }
            }
        }
        self.events = events
        self.cityTotals = totals
    }
}
