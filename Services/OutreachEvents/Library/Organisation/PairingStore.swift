import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// `PUT /admin/pairings/{id}`: a science base or demonstration site paired with a center, institute or station.
struct PairingInput: Decodable, ClosedPayload, ValidatedPayload {
    let baseId: String
    let partnerId: String
    let from: String
    let until: String
    let commitments: PairingCommitments

    static var fields: PayloadFields {
        .object([
            "baseId": .value, "partnerId": .value, "from": .value, "until": .value,
            "commitments": .object(["activitiesPerQuarter": .value, "visitsPerQuarter": .value]),
        ])
    }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(baseId, "baseId", max: FieldLimit.identifier)
        try FieldLimit.check(partnerId, "partnerId", max: FieldLimit.identifier)
        guard from.utf8.count == 10, let first = ShanghaiDay(from) else { throw ContractViolation(field: "from", "is not a yyyy-MM-dd day") }
        guard until.utf8.count == 10, let last = ShanghaiDay(until) else { throw ContractViolation(field: "until", "is not a yyyy-MM-dd day") }
        guard first <= last else { throw ContractViolation(field: "until", "is before from") }
        try FieldLimit.check(commitments.activitiesPerQuarter, "commitments.activitiesPerQuarter", in: FieldLimit.commitment)
        try FieldLimit.check(commitments.visitsPerQuarter, "commitments.visitsPerQuarter", in: FieldLimit.commitment)
    }
}

/// A pairing as the API answers it: the record as published.
struct PairingView: ResponseEncodable {
    let record: PairingRecorded

    func encode(to encoder: any Encoder) throws { try record.encode(to: encoder) }
}

/// Pairings (结对共建): created, changed, ended; each published whole, for metrics to hold against its commitments.
struct PairingStore {
    let client: PostgresClient
    let logger: Logger

    /// What a save did: the record (nil when refused, with the reason), and whether it was new.
    struct Outcome: Sendable {
        var record: PairingRecorded?
        var created = false
        var refusal: String?

        static func refused(_ reason: String) -> Outcome { Outcome(record: nil, refusal: reason) }
        static func saved(_ record: PairingRecorded, created: Bool) -> Outcome { Outcome(record: record, created: created) }
        static func unchanged(_ record: PairingRecorded) -> Outcome { Outcome(record: record) }
    }

    /// Creates or changes an active pairing.
    func save(_ id: String, _ input: PairingInput) async throws -> Outcome {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let sites = try await transaction.connection.query(
                """
                SELECT s.id, s.kind, s.status, u.path FROM network_site s JOIN network_unit u ON u.id = s.unit_id
                WHERE s.id IN (\(input.baseId), \(input.partnerId))
                """, logger: logger
            ).collect()
            var found: [String: (kind: SiteKind, status: SiteStatus, path: [String])] = [:]
            for row in sites {
                let (site, kind, status, path) = try row.decode((String, SiteKind, SiteStatus, [String]).self)
                found[site] = (kind, status, path + [site])
            }
            guard let base = found[input.baseId], [.scienceBase, .demonstrationSite].contains(base.kind), base.status == .active else {
                return .refused("baseId must be an active science base or demonstration site of the registry")
            }
            guard let partner = found[input.partnerId], [.center, .institute, .station].contains(partner.kind), partner.status == .active else {
                return .refused("partnerId must be an active center, institute or station of the registry")
            }
            let existing = try await transaction.connection.query(
                "SELECT status FROM pairing WHERE id = \(id) FOR UPDATE", logger: logger
            ).collect().first.map { try $0.decode(PairingStatus.self) }
            if existing == .ended { return .refused("the pairing has ended; pair them again under a new id") }
            let twin = try await transaction.connection.query(
                """
                SELECT id FROM pairing WHERE base_id = \(input.baseId) AND partner_id = \(input.partnerId) AND status = 'active' AND id <> \(id)
                """, logger: logger
            ).collect().first
            if let twin { return .refused("\(input.baseId) and \(input.partnerId) are paired already (\(try twin.decode(String.self)))") }
            let record = PairingRecorded(
                pairingId: id, baseId: input.baseId, basePath: base.path, partnerId: input.partnerId, partnerPath: partner.path, from: input.from,
                until: input.until, commitments: input.commitments, status: .active)
            let changed = try await transaction.connection.query(
                """
                INSERT INTO pairing AS p (id, base_id, partner_id, from_day, until_day, activities_per_quarter, visits_per_quarter, status)
                VALUES (\(id), \(input.baseId), \(input.partnerId), \(input.from)::date, \(input.until)::date,
                        \(input.commitments.activitiesPerQuarter), \(input.commitments.visitsPerQuarter), 'active')
                ON CONFLICT (id) DO UPDATE SET base_id = EXCLUDED.base_id, partner_id = EXCLUDED.partner_id, from_day = EXCLUDED.from_day,
                    until_day = EXCLUDED.until_day, activities_per_quarter = EXCLUDED.activities_per_quarter,
                    visits_per_quarter = EXCLUDED.visits_per_quarter
                WHERE (p.base_id, p.partner_id, p.from_day, p.until_day, p.activities_per_quarter, p.visits_per_quarter)
                      IS DISTINCT FROM (EXCLUDED.base_id, EXCLUDED.partner_id, EXCLUDED.from_day, EXCLUDED.until_day,
                                        EXCLUDED.activities_per_quarter, EXCLUDED.visits_per_quarter)
                RETURNING id
                """, logger: logger
            ).collect()
            guard !changed.isEmpty else { return .unchanged(record) }
            let type = existing == nil ? OutreachEventType.pairingCreated : OutreachEventType.pairingChanged
            transaction.emit(try OutreachEvent.about(id, kind: "pairing", type, record))
            return .saved(record, created: existing == nil)
        }
    }

    /// Ends an active pairing on `day` (its `until` becomes that day); nil when unknown or already ended.
    func end(_ id: String, on day: ShanghaiDay) async throws -> PairingRecorded? {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let rows = try await transaction.connection.query(
                """
                UPDATE pairing SET status = 'ended', until_day = least(until_day, greatest(from_day, \(day.description)::date))
                WHERE id = \(id) AND status = 'active' RETURNING id
                """, logger: logger
            ).collect()
            guard !rows.isEmpty, let record = try await read(id, on: transaction.connection) else { return nil }
            transaction.emit(try OutreachEvent.about(id, kind: "pairing", OutreachEventType.pairingEnded, record))
            return record
        }
    }

    /// The path of a pairing's partner (whose district runs it), or nil for an unknown pairing.
    func partnerPath(of id: String) async throws -> [String]? {
        try await read(id)?.partnerPath
    }

    func read(_ id: String) async throws -> PairingRecorded? {
        try await client.withConnection { try await read(id, on: $0) }
    }

    private func read(_ id: String, on connection: PostgresConnection) async throws -> PairingRecorded? {
        let rows = try await connection.query(
            """
            SELECT p.id, p.base_id, bu.path, p.partner_id, pu.path, to_char(p.from_day, 'YYYY-MM-DD'), to_char(p.until_day, 'YYYY-MM-DD'),
                   p.activities_per_quarter, p.visits_per_quarter, p.status
            FROM pairing p
            JOIN network_site b ON b.id = p.base_id JOIN network_unit bu ON bu.id = b.unit_id
            JOIN network_site t ON t.id = p.partner_id JOIN network_unit pu ON pu.id = t.unit_id
            WHERE p.id = \(id)
            """, logger: logger
        ).collect()
        guard
            let (id, base, basePath, partner, partnerPath, from, until, activities, visits, status) = try rows.first?.decode(
                (String, String, [String], String, [String], String, String, Int, Int, PairingStatus).self)
        else { return nil }
        return PairingRecorded(
            pairingId: id, baseId: base, basePath: basePath + [base], partnerId: partner, partnerPath: partnerPath + [partner], from: from,
            until: until, commitments: PairingCommitments(activitiesPerQuarter: activities, visitsPerQuarter: visits), status: status)
    }
}
