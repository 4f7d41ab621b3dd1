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

    /// Every type booking publishes, read as a fact (earlier versions as their successor).
    static let decoder = EventDecoder<BookingFact>(
        [
            .on(BookingEventType.sessionCreated, as: SessionPublished.self) { .sessionPublished($0, created: true) },
            .on(BookingEventType.sessionChanged, as: SessionPublished.self) { .sessionPublished($0, created: false) },
            .on(BookingEventType.sessionClosed, as: SessionClosed.self) { .sessionClosed(sessionId: $0.sessionId) },
            .on(BookingEventType.confirmed, as: BookingConfirmed.self) { .confirmed($0) },
            .on(BookingEventType.waitlisted, as: BookingWaitlisted.self) { .waitlisted(sessionId: $0.sessionId) },
            .on(BookingEventType.promoted, as: BookingPromoted.self) { .promoted($0) },
            .on(BookingEventType.cancelled, as: BookingCancelled.self) { .cancelled($0) },
            .on(BookingEventType.checkedIn, as: BookingCheckedIn.self) { .checkedIn($0) },
            .on(BookingEventType.noShowRecorded, as: NoShowRecorded.self) { .noShow($0) },
            .on(BookingEventType.rejected, as: BookingRejected.self) { .rejected(sessionId: $0.sessionId, reason: $0.reason) },
            .ignore(BookingEventType.residentSuspended) { .ignored },
            .ignore(BookingEventType.groupPooled) { .ignored },
            .ignore(BookingEventType.dedicatedSessionOpened) { .ignored },
        ], aliases: BookingEventType.readableAs)

    static func decode(_ event: CloudEvent) throws(PoisonMessage) -> BookingFact {
        try decoder.decode(event)
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
