import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// `PUT /admin/staff/{id}`: a person working for a unit or a site, in a role, from a day.
struct StaffInput: Decodable, ClosedPayload, ValidatedPayload {
    let role: StaffRole
    let placeId: String
    let name: String
    let phone: String?
    let since: String

    static var fields: PayloadFields { .object(["role": .value, "placeId": .value, "name": .value, "phone": .value, "since": .value]) }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(placeId, "placeId", max: FieldLimit.identifier)
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        try FieldLimit.check(phone, "phone", max: FieldLimit.phone)
        guard since.utf8.count == 10, ShanghaiDay(since) != nil else { throw ContractViolation(field: "since", "is not a yyyy-MM-dd day") }
    }
}

/// A member of staff as admins see it (contact included).
struct StaffView: ResponseEncodable {
    typealias Columns = (String, StaffRole, String, String?, String?, String, String?)
    let staffId: String
    let role: StaffRole
    let placeId: String
    let name: String?
    let phone: String?
    let since: String
    let until: String?

    init(_ columns: Columns) { (staffId, role, placeId, name, phone, since, until) = columns }
}

struct StaffList: ResponseEncodable {
    let placeId: String
    let staff: [StaffView]
}

/// The organisation's staff (三级组织体系: dedicated staff in every center, institute and station). Published
/// without contact details; the contact stays here and is erased after release.
struct StaffStore {
    let client: PostgresClient
    let logger: Logger

    static let columns = "SELECT id, role, place_id, name, phone, to_char(since, 'YYYY-MM-DD'), to_char(until, 'YYYY-MM-DD') FROM staff"

    /// Assigns (or changes) a member of staff at a place whose path is `path`; whether anything changed.
    func assign(_ id: String, _ input: StaffInput, path: [String]) async throws -> Bool {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let changed = try await transaction.connection.query(
                """
                INSERT INTO staff AS s (id, role, place_id, name, phone, since) VALUES (\(id), \(input.role), \(input.placeId), \(input.name),
                    \(input.phone), \(input.since)::date)
                ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, place_id = EXCLUDED.place_id, name = EXCLUDED.name,
                    phone = EXCLUDED.phone, since = EXCLUDED.since, until = NULL, released_at = NULL
                WHERE (s.role, s.place_id, s.name, s.phone, s.since, s.until) IS DISTINCT FROM
                      (EXCLUDED.role, EXCLUDED.place_id, EXCLUDED.name, EXCLUDED.phone, EXCLUDED.since, NULL::date)
                RETURNING id
                """, logger: logger
            ).collect()
            guard !changed.isEmpty else { return false }
            transaction.emit(
                try OutreachEvent.about(
                    id, kind: "staff", OutreachEventType.staffAssigned,
                    StaffRecorded(staffId: id, role: input.role, placeId: input.placeId, placePath: path, since: input.since, until: nil)))
            return true
        }
    }

    /// Releases a member of staff on `day`; false when unknown or already released.
    func release(_ id: String, on day: ShanghaiDay, path: [String]) async throws -> Bool {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let rows = try await transaction.connection.query(
                """
                UPDATE staff SET until = greatest(since, \(day.description)::date), released_at = now() WHERE id = \(id) AND released_at IS NULL
                RETURNING role, place_id, to_char(since, 'YYYY-MM-DD'), to_char(until, 'YYYY-MM-DD')
                """, logger: logger
            ).collect()
            guard let (role, place, since, until) = try rows.first?.decode((StaffRole, String, String, String).self) else { return false }
            transaction.emit(
                try OutreachEvent.about(
                    id, kind: "staff", OutreachEventType.staffReleased,
                    StaffRecorded(staffId: id, role: role, placeId: place, placePath: path, since: since, until: until)))
            return true
        }
    }

    func place(of id: String) async throws -> String? {
        for try await place in try await client.query("SELECT place_id FROM staff WHERE id = \(id)", logger: logger).decode(String.self) {
            return place
        }
        return nil
    }

    func list(place: String) async throws -> [StaffView] {
        var result: [StaffView] = []
        let rows = try await client.query("\(unescaped: Self.columns) WHERE place_id = \(place) ORDER BY id LIMIT 1000", logger: logger)
        for try await columns in rows.decode(StaffView.Columns.self) { result.append(StaffView(columns)) }
        return result
    }
}
