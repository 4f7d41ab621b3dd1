import Foundation
import KepuContracts
import KepuRuntime

/// A booking event as metrics reads it (from `kepu.booking.events.v1`). Events metrics does not count (pooling,
/// suspensions) are `ignored`, not dead-lettered: they are valid, just not an input.
enum BookingFact: Sendable {
    case sessionPublished(SessionPublished, created: Bool)
    case sessionClosed(sessionId: String)
    case confirmed(BookingConfirmed)
    case waitlisted(sessionId: String)
    case promoted(BookingPromoted)
    case cancelled(BookingCancelled)
    case checkedIn(BookingCheckedIn)
    case noShow(NoShowRecorded)
    case rejected(sessionId: String?, reason: RejectionReason)
    case ignored

    static func decode(_ event: CloudEvent) throws(PoisonMessage) -> BookingFact {
        do {
            // An earlier version still in the topic reads as its successor (v2 only dropped fields).
            switch BookingEventType.readableAs[event.type] ?? event.type {
            case BookingEventType.sessionCreated: return .sessionPublished(try event.decodeData(as: SessionPublished.self), created: true)
            case BookingEventType.sessionChanged: return .sessionPublished(try event.decodeData(as: SessionPublished.self), created: false)
            case BookingEventType.sessionClosed: return .sessionClosed(sessionId: try event.decodeData(as: SessionClosed.self).sessionId)
            case BookingEventType.confirmed: return .confirmed(try event.decodeData(as: BookingConfirmed.self))
            case BookingEventType.waitlisted: return .waitlisted(sessionId: try event.decodeData(as: BookingWaitlisted.self).sessionId)
            case BookingEventType.promoted: return .promoted(try event.decodeData(as: BookingPromoted.self))
            case BookingEventType.cancelled: return .cancelled(try event.decodeData(as: BookingCancelled.self))
            case BookingEventType.checkedIn: return .checkedIn(try event.decodeData(as: BookingCheckedIn.self))
            case BookingEventType.noShowRecorded: return .noShow(try event.decodeData(as: NoShowRecorded.self))
            case BookingEventType.rejected:
                let rejected = try event.decodeData(as: BookingRejected.self)
                return .rejected(sessionId: rejected.sessionId, reason: rejected.reason)
            case BookingEventType.residentSuspended, BookingEventType.groupPooled, BookingEventType.dedicatedSessionOpened: return .ignored
            default: throw PoisonMessage(code: "unknown_type", reason: "metrics does not know the event type \(event.type)")
            }
        } catch let poison as PoisonMessage {
            throw poison
        } catch {
            throw PoisonMessage(code: "invalid_payload", reason: "\(event.type): \(error)")
        }
    }

    /// The session the fact is about, if any.
    var sessionId: String? {
        switch self {
        case .sessionPublished(let session, _): session.sessionId
        case .sessionClosed(let id), .waitlisted(let id): id
        case .confirmed(let event): event.sessionId
        case .promoted(let event): event.sessionId
        case .cancelled(let event): event.sessionId
        case .checkedIn(let event): event.sessionId
        case .noShow(let event): event.sessionId
        case .rejected(let id, _): id
        case .ignored: nil
        }
    }
}
