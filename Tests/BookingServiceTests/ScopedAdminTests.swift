import BookingService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KepuContracts
import KepuRuntime
import KepuTestSupport
import PostgresNIO
import Testing

/// Who may do what in booking's admin API: signed tokens with a role and a unit scope, checked by the runtime's
/// one authorization path; every write in the audit log. In process, real PostgreSQL.
@Suite("Booking's admin API under scoped tokens (in process)")
struct ScopedAdminTests {
    static let definition = try! BookingService.definition(environment: [:])

    static func session(_ id: String, venue: String) -> String {
        #"{"id":"\#(id)","venueId":"\#(venue)","startsAt":"2030-03-02T01:30:00Z","endsAt":"2030-03-02T03:30:00Z","capacity":30}"#
    }

    @Test("a district admin acts only in its district, a site operator only at its site; the audit log records each write")
    func scopes() async throws {
        try await RouteTesting.withRoutes(of: Self.definition) { http, client in
            for (id, path) in [
                ("base.futian", #"["sz","sz.futian","sz.futian.shatou"]"#), ("base.nanshan", #"["sz","sz.nanshan","sz.nanshan.shekou"]"#),
            ] {
                let venue = #"{"id":"\#(id)","kind":"science_base","name":"\#(id)","unitPath":\#(path)}"#
                #expect(try await http.json(.post, "/admin/venues", admin: true, body: venue).status == .ok)
            }
            let futian = try await RouteTesting.token(.districtAdmin, scope: "sz.futian", subject: "futian-admin")
            let operatorOfFutianBase = try await RouteTesting.token(.siteOperator, scope: "base.futian", subject: "base-operator")
            let reviewer = try await RouteTesting.token(.reviewer, scope: "sz", subject: "a-reviewer")
            let city = try await RouteTesting.token(.cityAdmin, scope: "sz", subject: "city-admin")

            #expect(try await http.json(.post, "/admin/sessions", bearer: futian, body: Self.session("s-f", venue: "base.futian")).status == .created)
            let nanshan = try await http.json(.post, "/admin/sessions", bearer: futian, body: Self.session("s-n", venue: "base.nanshan"))
            #expect(nanshan.status == .forbidden)
            #expect((nanshan.json["error"] as? String)?.contains("outside the scope sz.futian") == true, "\(nanshan.json)")
            #expect(try await http.json(.post, "/admin/sessions", bearer: city, body: Self.session("s-n", venue: "base.nanshan")).status == .created)
            #expect(try await http.json(.post, "/admin/sessions/s-n/close", bearer: futian).status == .forbidden, "a Nanshan session")
            #expect(try await http.json(.get, "/admin/sessions/s-n/roster", bearer: futian).status == .forbidden)

            // The site operator: its own site's sessions, nobody else's; no venue administration.
            #expect(try await http.json(.put, "/admin/sessions/s-f/capacity", bearer: operatorOfFutianBase, body: #"{"capacity":20}"#).status == .ok)
            #expect(
                try await http.json(.put, "/admin/sessions/s-n/capacity", bearer: operatorOfFutianBase, body: #"{"capacity":20}"#).status
                    == .forbidden)
            let venueEdit = #"{"id":"base.futian","kind":"science_base","name":"renamed","unitPath":["sz","sz.futian","sz.futian.shatou"]}"#
            #expect(try await http.json(.post, "/admin/venues", bearer: operatorOfFutianBase, body: venueEdit).status == .forbidden)
            // A district admin cannot move a venue of another district into its own.
            let moved = #"{"id":"base.nanshan","kind":"science_base","name":"x","unitPath":["sz","sz.futian"]}"#
            #expect(try await http.json(.post, "/admin/venues", bearer: futian, body: moved).status == .forbidden)
            // A reviewer has no business with sessions.
            #expect(try await http.json(.post, "/admin/sessions/s-f/close", bearer: reviewer).status == .forbidden)

            // Tokens that are not ours.
            let foreign = try await AdminAuthenticator.sign(
                AdminClaims(subject: "x", role: .cityAdmin, scope: "sz", lifetime: 3600), secret: "another-secret-0123456789abcdefghij")
            #expect(try await http.json(.post, "/admin/sessions/s-f/close", bearer: foreign).status == .unauthorized)
            let expired = try await AdminAuthenticator.sign(
                AdminClaims(subject: "x", role: .cityAdmin, scope: "sz", issuedAt: Date().addingTimeInterval(-7200), lifetime: 3600),
                secret: RouteTesting.jwtSecret)
            #expect(try await http.json(.post, "/admin/sessions/s-f/close", bearer: expired).status == .unauthorized)
            let forever = try await AdminAuthenticator.sign(
                AdminClaims(subject: "x", role: .cityAdmin, scope: "sz", lifetime: 365 * 86400), secret: RouteTesting.jwtSecret)
            #expect(try await http.json(.post, "/admin/sessions/s-f/close", bearer: forever).status == .unauthorized)
            #expect(try await http.json(.post, "/admin/sessions/s-f/close", bearer: "a.b.c").status == .unauthorized)

            // A hostile path (an encoded NUL) is answered and recorded like any other.
            let nul = try await http.json(.post, "/admin/sessions/a%00b/close", bearer: city)
            #expect(nul.status == .notFound, "the percent-encoded id names no session: \(nul.status)")

            // The audit log: every write with who, role, scope and the answer; only the city reads it.
            #expect(try await http.json(.get, "/admin/audit", bearer: futian).status == .forbidden)
            let audit = try await http.json(.get, "/admin/audit?limit=1000", bearer: city)
            #expect(audit.status == .ok)
            let entries = audit.json["entries"] as? [[String: Any]] ?? []
            let lines = entries.map {
                "\($0["subject"] ?? "")|\($0["role"] ?? "")|\($0["scope"] ?? "")|\($0["method"] ?? "") \($0["path"] ?? "")|\($0["status"] ?? "")"
            }
            #expect(lines.contains("futian-admin|district_admin|sz.futian|POST /admin/sessions|201"), "\(lines)")
            #expect(lines.contains("futian-admin|district_admin|sz.futian|POST /admin/sessions|403"), "refusals are recorded too")
            #expect(lines.contains("base-operator|site_operator|base.futian|PUT /admin/sessions/s-f/capacity|200"))
            #expect(lines.contains("operator|operator|*|POST /admin/venues|200"), "the break-glass token is recorded as itself")
            #expect(!lines.contains { $0.contains("GET ") }, "reads are not writes")
            #expect(lines.contains { $0.hasPrefix("city-admin|city_admin|sz|POST /admin/sessions/a") && $0.hasSuffix("/close|404") }, "\(lines)")
            #expect(!lines.contains { $0.hasPrefix("x|") }, "unauthenticated attempts have no identity to record")
            let stored = try await client.query("SELECT count(*)::int FROM admin_audit").collect().first?.decode(Int.self)
            #expect(stored == entries.count)
        }
    }
}
