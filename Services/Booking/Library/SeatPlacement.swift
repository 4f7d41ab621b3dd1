import Foundation
import KepuContracts

/// The placement rule for an admissible request, on a session's current numbers: confirmed if the seats fit (a
/// group that accepts a partial offer takes what is left, if that is at least the minimum group size), else
/// waitlisted if the waitlist is on and has room, else full. One rule for every path that places seats.
enum SeatPlacement: Equatable {
    case confirm(seats: Int)
    case waitlist
    case full(detail: String)

    static func decide(requested seats: Int, acceptPartial: Bool, on session: BookingDecisions.Session) -> SeatPlacement {
        if seats <= session.free { return .confirm(seats: seats) }
        if acceptPartial && session.free >= session.groupMin { return .confirm(seats: session.free) }
        if session.waitlistEnabled && session.waitlisted + seats <= session.waitlistCap { return .waitlist }
        return .full(detail: "\(session.free) seats left, waitlist \(session.waitlistEnabled ? "full" : "off")")
    }
}

/// The rules a seat request must pass before placement, on the session as locked: open for booking, the resident
/// not suspended, the per-request limit, the group size. Nil when admissible.
enum SeatAdmission {
    struct Refusal {
        let reason: RejectionReason
        let detail: String
        var suspendedUntil: Date? = nil
    }

    static func check(_ request: SeatsRequested, on session: BookingDecisions.Session, now: Date, suspendedUntil: Date?) -> Refusal? {
        if session.closed || now < session.opensAt || now > session.closesAt {
            let detail =
                session.closed
                ? "the session is closed" : "booking is open from \(RFC3339.format(session.opensAt)) to \(RFC3339.format(session.closesAt))"
            return Refusal(reason: .windowClosed, detail: detail)
        }
        switch request.party {
        case .individual(_, let seats):
            if let until = suspendedUntil {
                return Refusal(reason: .suspended, detail: "suspended for repeated no-shows until \(RFC3339.format(until))", suspendedUntil: until)
            }
            if seats > session.maxSeatsPerRequest {
                return Refusal(reason: .overLimit, detail: "at most \(session.maxSeatsPerRequest) seats per request")
            }
        case .group(_, let headcount, _):
            if headcount < session.groupMin || headcount > session.groupMax {
                return Refusal(reason: .groupSize, detail: "groups of \(session.groupMin) to \(session.groupMax)")
            }
        }
        return nil
    }
}
