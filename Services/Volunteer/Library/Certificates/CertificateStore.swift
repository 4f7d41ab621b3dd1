import Foundation
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Service-record certificates (志愿服务记录证明): what a volunteer's verified hours were when it was issued, by
/// year and by activity, under a verification code. The statement is stored as issued (so the code verifies that
/// and nothing later); the volunteer's name is read when the page is rendered, so it goes when it is erased.
struct CertificateStore {
    let client: PostgresClient
    let logger: Logger

    /// Activities listed on one certificate (the totals count them all).
    static let activitiesListed = 500

    func issue(for volunteerId: String, by actor: String) async throws -> CertificateStatement? {
        try await client.withTransaction(logger: logger) { connection in
            guard
                let (team, teamName, minutes, level) = try await connection.query(
                    """
                    SELECT v.team_id, t.name, v.verified_minutes, v.star_level FROM volunteer v JOIN team t ON t.id = v.team_id
                    WHERE v.id = \(volunteerId)
                    """, logger: logger
                ).collect().first?.decode((String, String, Int64, Int16).self)
            else { return nil }
            var years: [CertificateStatement.Year] = []
            for try await (year, yearMinutes, count) in try await connection.query(
                """
                SELECT extract(year FROM day)::int, sum(minutes)::int, count(*)::int FROM service_hours
                WHERE volunteer_id = \(volunteerId) AND status = 'verified' GROUP BY 1 ORDER BY 1
                """, logger: logger
            ).decode((Int, Int, Int).self) {
                years.append(CertificateStatement.Year(year: year, hours: Self.hours(yearMinutes), activities: count))
            }
            var activities: [CertificateStatement.Activity] = []
            for try await (day, title, activityMinutes) in try await connection.query(
                """
                SELECT h.day::text, coalesce(e.title, h.event_id), h.minutes FROM service_hours h LEFT JOIN activity_event e ON e.id = h.event_id
                WHERE h.volunteer_id = \(volunteerId) AND h.status = 'verified' ORDER BY h.day, h.event_id LIMIT \(Self.activitiesListed)
                """, logger: logger
            ).decode((String, String, Int).self) {
                activities.append(CertificateStatement.Activity(day: day, title: title, hours: Self.hours(activityMinutes)))
            }
            let statement = CertificateStatement(
                code: Self.newCode(), volunteerId: volunteerId, teamId: team, teamName: teamName, issuedOn: ShanghaiCalendar.day(Date()),
                totalHours: Self.hours(Int(minutes)), starLevel: level > 0 ? Int(level) : nil, years: years, activities: activities,
                activitiesCount: years.reduce(0) { $0 + $1.activities })
            let json = String(decoding: try JSONEncoder().encode(statement), as: UTF8.self)
            try await connection.query(
                """
                INSERT INTO certificate (code, volunteer_id, issued_by, statement) VALUES (\(statement.code), \(volunteerId), \(actor), \(json)::jsonb)
                """, logger: logger)
            return statement
        }
    }

    /// The certificate under `code` and the volunteer's name now (nil once erased).
    func certificate(_ code: String) async throws -> (statement: CertificateStatement, name: String?)? {
        guard
            let (json, name) = try await client.query(
                "SELECT c.statement::text, v.name FROM certificate c JOIN volunteer v ON v.id = c.volunteer_id WHERE c.code = \(code)",
                logger: logger
            ).collect().first?.decode((String, String?).self)
        else { return nil }
        return (try JSONDecoder().decode(CertificateStatement.self, from: Data(json.utf8)), name)
    }

    static func hours(_ minutes: Int) -> Double { (Double(minutes) / 6).rounded() / 10 }

    /// Twelve characters from an alphabet without look-alikes (no 0/O, 1/I/L), in three groups: about 60 bits,
    /// from the system's cryptographic generator, so a code cannot be guessed from another.
    static func newCode() -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }
        return [characters[0..<4], characters[4..<8], characters[8..<12]].map { String($0) }.joined(separator: "-")
    }
}

/// What a certificate states.
struct CertificateStatement: Codable, Sendable {
    struct Year: Codable, Sendable {
        let year: Int
        let hours: Double
        let activities: Int
    }

    struct Activity: Codable, Sendable {
        let day: String
        let title: String
        let hours: Double
    }

    let code: String
    let volunteerId: String
    let teamId: String
    let teamName: String
    let issuedOn: String
    let totalHours: Double
    let starLevel: Int?
    let years: [Year]
    let activities: [Activity]
    let activitiesCount: Int
}
