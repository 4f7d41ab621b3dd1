import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import KepuTestSupport
import Logging
import PostgresNIO

@testable import VolunteerService

/// A small practice network, volunteers' profiles and outreach events, shared by the volunteer tests.
enum VolunteerFixtures {
    static let definition = try! VolunteerService.definition(environment: [:])
    static let logger = Logger(label: "test.volunteer")

    /// Futian district: Shatou street with communities c1 and c2, Xiangmihu street; Nanshan district.
    static let units: [(id: String, level: String, path: [String])] = [
        ("sz", "city", ["sz"]), ("sz.futian", "district", ["sz", "sz.futian"]),
        ("sz.futian.shatou", "street", ["sz", "sz.futian", "sz.futian.shatou"]),
        ("sz.futian.shatou.c1", "community", ["sz", "sz.futian", "sz.futian.shatou", "sz.futian.shatou.c1"]),
        ("sz.futian.shatou.c2", "community", ["sz", "sz.futian", "sz.futian.shatou", "sz.futian.shatou.c2"]),
        ("sz.futian.xiangmihu", "street", ["sz", "sz.futian", "sz.futian.xiangmihu"]),
        ("sz.nanshan", "district", ["sz", "sz.nanshan"]),
    ]

    /// The registry as volunteer follows it, written straight into its tables (the follower's own test is the
    /// cross-service one).
    static func seedRegistry(_ client: PostgresClient) async throws {
        for unit in units {
            try await client.query("INSERT INTO network_unit (id, level, path) VALUES (\(unit.id), \(unit.level), \(unit.path))", logger: logger)
        }
        try await client.query(
            """
            INSERT INTO network_site (id, kind, unit_path, active) VALUES
                ('center.sz.futian', 'center', '{sz,sz.futian}', true),
                ('station.c1', 'station', '{sz,sz.futian,sz.futian.shatou,sz.futian.shatou.c1}', true),
                ('station.c2', 'station', '{sz,sz.futian,sz.futian.shatou,sz.futian.shatou.c2}', true)
            """, logger: logger)
    }

    static let team = #"{"name":"福田区科技志愿服务分队","unitId":"sz.futian"}"#

    /// The claim token of the volunteer registered for `resident` (their app's; the profile carries its hash).
    static func claimToken(_ resident: String) -> String { "token-\(resident)" }

    /// A profile body for `PUT /admin/volunteers/{id}`.
    static func profile(
        _ resident: String, home: String = "sz.futian.shatou.c1", skills: [String] = ["health", "lecture"], teachingUntil: String? = "2031-12-31",
        windows: String = #"[{"weekday":6,"from":"09:00","until":"18:00"}]"#, blackout: [String] = [], capHours: Int = 40, serve: [String]? = nil,
        role: String = "volunteer", site: String? = nil, team: String = "team.futian"
    ) -> String {
        let skillList = skills.map { "\"\($0)\"" }.joined(separator: ",")
        let quals = teachingUntil.map { #"[{"kind":"teaching","expiresOn":"\#($0)"}]"# } ?? "[]"
        let serveUnits = serve.map { #","serveUnitIds":[\#($0.map { "\"\($0)\"" }.joined(separator: ","))]"# } ?? ""
        let siteField = site.map { #","siteId":"\#($0)""# } ?? ""
        return
            #"{"claimTokenHash":"\#(ClaimToken.hash(claimToken(resident)))","residentId":"\#(resident)","teamId":"\#(team)","role":"\#(role)"\#(siteField),"name":"志愿者\#(resident)","phone":"1380000\#(resident.suffix(4))","skills":[\#(skillList)],"qualifications":\#(quals),"homeUnitId":"\#(home)"\#(serveUnits),"availability":\#(windows),"blackoutDates":[\#(blackout.map { "\"\($0)\"" }.joined(separator: ","))],"monthlyHoursCap":\#(capHours)}"#
    }

    /// Saturday 2 March 2030, 10:00-12:00 Shanghai.
    static let saturday = Date(timeIntervalSince1970: 1_898_647_200)

    static func event(
        _ id: String, startsAt: Date = saturday, hours: Double = 2, needed: Int = 1, skills: [String] = ["health", "lecture"],
        site: String = "station.c1", sitePath: [String] = ["sz", "sz.futian", "sz.futian.shatou", "sz.futian.shatou.c1"],
        status: ActivityEventStatus = .published, theme: String = "health"
    ) -> ActivityEventRecord {
        let ends = startsAt.addingTimeInterval(hours * 3600)
        return ActivityEventRecord(
            eventId: id, status: status, title: "健康讲座 \(id)", siteId: site, siteKind: .station, sitePath: sitePath, theme: theme, format: .lecture,
            startsAt: startsAt, endsAt: ends,
            volunteerNeeds: needed > 0 ? VolunteerNeeds(count: needed, skills: skills, from: startsAt, until: ends) : nil)
    }

    /// Applies an outreach event record as the follower does, at `now`.
    static func follow(_ record: ActivityEventRecord, now: Date, _ client: PostgresClient, policy: MatchingPolicy = .defaults) async throws {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            try await EventFollowing(policy: policy, logger: logger).follow(record, now: now, in: transaction)
        }
    }

    /// The payloads volunteer published of `type`, oldest first.
    static func published(_ type: String, _ client: PostgresClient) async throws -> [[String: Any]] {
        try await client.query("SELECT payload FROM outbox_message WHERE event_type = \(type) ORDER BY id", logger: logger).collect().map {
            (try JSONSerialization.jsonObject(with: Data(try $0.decode(String.self).utf8))) as? [String: Any] ?? [:]
        }
    }

    static func assignments(_ event: String, _ client: PostgresClient) async throws -> [String: String] {
        var result: [String: String] = [:]
        for try await (volunteer, status) in try await client.query(
            "SELECT volunteer_id, status FROM assignment WHERE event_id = \(event)", logger: logger
        ).decode((String, String).self) {
            result[volunteer] = status
        }
        return result
    }
}
