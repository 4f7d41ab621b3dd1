import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// Applications to become a practice point: submitted, taken step by step through `ApplicationWorkflow`, each
/// step recorded (who, role, when, why) and published; approval adds the practice point to the registry and a
/// failed re-evaluation or an expiry retires it, in the step's own transaction.
struct ApplicationStore {
    let client: PostgresClient
    let logger: Logger

    /// How long an approval holds before the practice point must be re-evaluated.
    static let validity = 365

    /// Creates the application (submitted); false when the id is taken.
    func submit(_ submission: ApplicationSubmission, by actor: AdminIdentity, unitPath: [String]) async throws -> Bool {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let inserted = try await transaction.connection.query(
                """
                INSERT INTO application (id, site_name, unit_id, address, description, contact_name, contact_phone, status)
                VALUES (\(submission.applicationId), \(submission.siteName), \(submission.unitId), \(submission.address ?? ""),
                        \(submission.description ?? ""), \(submission.contact.name), \(submission.contact.phone), 'submitted')
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: logger
            ).collect()
            guard !inserted.isEmpty else { return false }
            try await record(
                submission.applicationId, status: .submitted, type: OutreachEventType.applicationSubmitted, siteName: submission.siteName,
                unitId: submission.unitId, unitPath: unitPath, actor: actor, comment: submission.description, in: transaction)
            return true
        }
    }

    /// Takes `action` on the application (its row locked), or says why not.
    func take(_ action: ApplicationAction, on id: String, comment: String?, by actor: AdminIdentity, today: ShanghaiDay) async throws
        -> Result<ApplicationStatus, WorkflowRefusal>
    {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let row = try await transaction.connection.query(
                """
                SELECT a.status, a.site_name, a.unit_id, u.path, a.address, a.practice_point_id
                FROM application a JOIN network_unit u ON u.id = a.unit_id WHERE a.id = \(id) FOR UPDATE OF a
                """, logger: logger
            ).collect().first
            guard
                let (status, siteName, unitId, unitPath, address, point) = try row?.decode(
                    (ApplicationStatus, String, String, [String], String, String?).self)
            else { return .failure(WorkflowRefusal("no such application")) }
            let next: ApplicationStatus
            switch action.next(after: status) {
            case .failure(let refusal): return .failure(refusal)
            case .success(let status): next = status
            }
            var inspectionDay: String?
            var practicePointId = point
            var validUntil: String?
            switch (action, next) {
            case (.scheduleInspection(let day), _):
                inspectionDay = day.description
            case (.approve, .approved), (.reevaluate, .approved):
                validUntil = today.advanced(by: Self.validity).description
                if case .approve = action {
                    practicePointId = "point.\(id)"
                    try await addPracticePoint(
                        practicePointId ?? "", name: siteName, unit: unitId, address: address, since: today, in: transaction)
                }
            case (.reevaluate, .expired):
                if let point { try await retirePracticePoint(point, on: today, in: transaction) }
            default: break
            }
            let closes = next == .rejected || next == .expired
            try await transaction.connection.query(
                """
                UPDATE application SET status = \(next), inspection_day = coalesce(\(inspectionDay)::date, inspection_day),
                       practice_point_id = \(practicePointId), valid_until = coalesce(\(validUntil)::date, valid_until),
                       closed_at = CASE WHEN \(closes) THEN now() ELSE closed_at END
                WHERE id = \(id)
                """, logger: logger)
            try await record(
                id, status: next, type: Self.eventType(action, next), siteName: siteName, unitId: unitId, unitPath: unitPath, actor: actor,
                comment: comment, inspectionDay: inspectionDay, practicePointId: practicePointId, validUntil: validUntil, in: transaction)
            return .success(next)
        }
    }

    /// Expires approved applications whose re-evaluation is overdue (their practice points retired); how many.
    func expireOverdue(today: ShanghaiDay, in transaction: HandlerTransaction, limit: Int = 100) async throws -> Int {
        let due = try await transaction.connection.query(
            """
            SELECT a.id, a.site_name, a.unit_id, u.path, a.practice_point_id FROM application a JOIN network_unit u ON u.id = a.unit_id
            WHERE a.status = 'approved' AND a.valid_until < \(today.description)::date
            ORDER BY a.valid_until LIMIT \(limit) FOR UPDATE OF a SKIP LOCKED
            """, logger: logger
        ).collect()
        for row in due {
            let (id, siteName, unitId, unitPath, point) = try row.decode((String, String, String, [String], String?).self)
            if let point { try await retirePracticePoint(point, on: today, in: transaction) }
            try await transaction.connection.query(
                "UPDATE application SET status = 'expired', closed_at = now() WHERE id = \(id)", logger: logger)
            try await record(
                id, status: .expired, type: OutreachEventType.applicationExpired, siteName: siteName, unitId: unitId, unitPath: unitPath,
                actor: "system", actorRole: "system", comment: "not re-evaluated by its due day", in: transaction)
        }
        return due.count
    }

    static func eventType(_ action: ApplicationAction, _ next: ApplicationStatus) -> String {
        switch next {
        case .submitted: OutreachEventType.applicationSubmitted
        case .reviewed: OutreachEventType.applicationReviewed
        case .inspectionScheduled: OutreachEventType.applicationInspectionScheduled
        case .inspected: OutreachEventType.applicationInspected
        case .approved:
            if case .reevaluate = action { OutreachEventType.applicationReevaluated } else { OutreachEventType.applicationApproved }
        case .rejected: OutreachEventType.applicationRejected
        case .expired: OutreachEventType.applicationExpired
        }
    }

    private func record(
        _ id: String, status: ApplicationStatus, type: String, siteName: String, unitId: String, unitPath: [String], actor: AdminIdentity,
        comment: String?, inspectionDay: String? = nil, practicePointId: String? = nil, validUntil: String? = nil, in transaction: HandlerTransaction
    ) async throws {
        try await record(
            id, status: status, type: type, siteName: siteName, unitId: unitId, unitPath: unitPath, actor: actor.subject,
            actorRole: actor.role.rawValue, comment: comment, inspectionDay: inspectionDay, practicePointId: practicePointId,
            validUntil: validUntil, in: transaction)
    }

    private func record(
        _ id: String, status: ApplicationStatus, type: String, siteName: String, unitId: String, unitPath: [String], actor: String,
        actorRole: String, comment: String?, inspectionDay: String? = nil, practicePointId: String? = nil, validUntil: String? = nil,
        in transaction: HandlerTransaction
    ) async throws {
        let at = Date()
        try await transaction.connection.query(
            """
            INSERT INTO application_step (application_id, seq, status, actor, actor_role, at, comment)
            SELECT \(id), coalesce(max(seq), 0) + 1, \(status), \(actor), \(actorRole), \(at), \(comment)
            FROM application_step WHERE application_id = \(id)
            """, logger: logger)
        transaction.emit(
            try OutreachEvent.about(
                id, kind: "application", type,
                ApplicationStep(
                    applicationId: id, status: status, siteName: siteName, unitId: unitId, unitPath: unitPath, actor: actor, actorRole: actorRole,
                    at: at, comment: comment, inspectionDay: inspectionDay, practicePointId: practicePointId, validUntil: validUntil)))
    }

    private func addPracticePoint(
        _ id: String, name: String, unit: String, address: String, since: ShanghaiDay, in transaction: HandlerTransaction
    ) async throws {
        var row = RegistryRowText()
        (row.type, row.id, row.parent, row.name, row.address, row.since) = ("practice_point", id, unit, name, address, since.description)
        let report = try await RegistryStore(client: client, logger: logger).write(
            [RegistryCSV.Row(number: 1, text: row)], dryRun: false, in: transaction)
        if let problem = report.rows.first?.problems?.first { throw ApplicationRegistryError(problem: problem) }
    }

    private func retirePracticePoint(_ id: String, on day: ShanghaiDay, in transaction: HandlerTransaction) async throws {
        let rows = try await transaction.connection.query(
            "SELECT kind, name, address, unit_id, to_char(since, 'YYYY-MM-DD') FROM network_site WHERE id = \(id)", logger: logger
        ).collect()
        guard let (kind, name, address, unit, since) = try rows.first?.decode((String, String, String, String, String?).self) else { return }
        var row = RegistryRowText()
        (row.type, row.id, row.parent, row.name, row.address) = (kind, id, unit, name, address)
        (row.status, row.since, row.until) = ("retired", since ?? "", day.description)
        let report = try await RegistryStore(client: client, logger: logger).write(
            [RegistryCSV.Row(number: 1, text: row)], dryRun: false, in: transaction)
        if let problem = report.rows.first?.problems?.first { throw ApplicationRegistryError(problem: problem) }
    }
}

/// The registry refused the practice point an approval would add (the step is not taken).
struct ApplicationRegistryError: Error, CustomStringConvertible {
    let problem: RegistryProblem
    var description: String { "the registry refuses the practice point: \(problem.code.rawValue): \(problem.message)" }
}
