import Foundation
import Hummingbird
import KepuDomain
import Logging
import PostgresNIO

/// An application as admins see it: where it stands, its applicant's contact, and every step.
struct ApplicationView: ResponseEncodable {
    struct Step: Encodable {
        let status: ApplicationStatus
        let actor: String
        let actorRole: String
        let at: Date
        let comment: String?
    }

    let applicationId: String
    let siteName: String
    let unitId: String
    let unitPath: [String]
    let status: ApplicationStatus
    let contactName: String?
    let contactPhone: String?
    let inspectionDay: String?
    let practicePointId: String?
    let validUntil: String?
    let steps: [Step]
}

/// `GET /admin/applications`: a page of the applications within the caller's scope.
struct ApplicationList: ResponseEncodable {
    struct Entry: Encodable {
        let applicationId: String
        let siteName: String
        let unitId: String
        let status: ApplicationStatus
    }

    let applications: [Entry]
    let next: String?
}

struct ApplicationQueries {
    let client: PostgresClient
    let logger: Logger

    /// The path of the unit an application sits on, or nil.
    func path(_ id: String) async throws -> [String]? {
        let rows = try await client.query(
            "SELECT u.path FROM application a JOIN network_unit u ON u.id = a.unit_id WHERE a.id = \(id)", logger: logger)
        for try await path in rows.decode([String].self) { return path }
        return nil
    }

    func view(_ id: String) async throws -> ApplicationView? {
        let rows = try await client.query(
            """
            SELECT a.id, a.site_name, a.unit_id, u.path, a.status, a.contact_name, a.contact_phone, to_char(a.inspection_day, 'YYYY-MM-DD'),
                   a.practice_point_id, to_char(a.valid_until, 'YYYY-MM-DD')
            FROM application a JOIN network_unit u ON u.id = a.unit_id WHERE a.id = \(id)
            """, logger: logger
        ).collect()
        guard
            let (id, siteName, unitId, unitPath, status, name, phone, inspection, point, validUntil) = try rows.first?.decode(
                (String, String, String, [String], ApplicationStatus, String?, String?, String?, String?, String?).self)
        else { return nil }
        var steps: [ApplicationView.Step] = []
        let history = try await client.query(
            "SELECT status, actor, actor_role, at, comment FROM application_step WHERE application_id = \(id) ORDER BY seq", logger: logger)
        for try await (status, actor, role, at, comment) in history.decode((ApplicationStatus, String, String, Date, String?).self) {
            steps.append(.init(status: status, actor: actor, actorRole: role, at: at, comment: comment))
        }
        return ApplicationView(
            applicationId: id, siteName: siteName, unitId: unitId, unitPath: unitPath, status: status, contactName: name, contactPhone: phone,
            inspectionDay: inspection, practicePointId: point, validUntil: validUntil, steps: steps)
    }

    /// Applications whose unit lies within `scope` (nil: all), optionally of one status, by id.
    func list(scope: String?, status: ApplicationStatus?, after: String, limit: Int) async throws -> ApplicationList {
        let rows = try await client.query(
            """
            SELECT a.id, a.site_name, a.unit_id, a.status FROM application a JOIN network_unit u ON u.id = a.unit_id
            WHERE (\(scope)::text IS NULL OR \(scope) = ANY(u.path)) AND (\(status?.rawValue)::text IS NULL OR a.status = \(status?.rawValue))
              AND a.id > \(after)
            ORDER BY a.id LIMIT \(limit)
            """, logger: logger)
        var entries: [ApplicationList.Entry] = []
        for try await (id, name, unit, status) in rows.decode((String, String, String, ApplicationStatus).self) {
            entries.append(.init(applicationId: id, siteName: name, unitId: unit, status: status))
        }
        return ApplicationList(applications: entries, next: entries.count == limit ? entries.last?.applicationId : nil)
    }
}
