import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// `assignment-changed` events from rows read as `id, event_id, volunteer_id, status, lower(during), upper(during),
/// respond_by` (what every assignment write returns).
enum AssignmentEvents {
    static func records(_ rows: [PostgresRow]) throws -> [AssignmentRecord] {
        try rows.map { row in
            let (id, event, volunteer, status, starts, ends, respondBy) = try row.decode(
                (String, String, String, AssignmentStatus, Date, Date, Date?).self)
            return AssignmentRecord(
                assignmentId: id, eventId: event, volunteerId: volunteer, status: status, startsAt: starts, endsAt: ends,
                respondBy: status == .offered ? respondBy : nil)
        }
    }

    @discardableResult
    static func emit(_ rows: [PostgresRow], in transaction: HandlerTransaction) throws -> [AssignmentRecord] {
        let records = try records(rows)
        for record in records {
            transaction.emit(try VolunteerEvent.about(record.eventId, kind: "event", VolunteerEventType.assignmentChanged, record))
        }
        return records
    }
}
