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

/// Booking's HTTP API in process (HummingbirdTesting, real PostgreSQL, no broker): what each route answers, and
/// that a change is committed with its event in the outbox.
@Suite("Booking routes (in process)")
struct BookingRoutesTests {
    static let definition = try! BookingService.definition(environment: [:])

    @Test("admin routes want the bearer token; venues and sessions are created, read, resized and closed")
    func venuesAndSessions() async throws {
        try await RouteTesting.withRoutes(of: Self.definition) { http, client in
            let venue = #"{"id":"v-museum","kind":"museum","name":"City Science Museum","unitPath":["sz","sz-futian"]}"#
            #expect(try await http.json(.post, "/admin/venues", body: venue).status == .unauthorized)
            let saved = try await http.json(.post, "/admin/venues", admin: true, body: venue)
            #expect(saved.status == .ok)
            #expect(saved.json["id"] as? String == "v-museum")

            let badKind = try await http.json(.post, "/admin/venues", admin: true, body: #"{"id":"v2","kind":"castle","name":"x"}"#)
            #expect(badKind.status == .badRequest)
            #expect((badKind.json["error"] as? String)?.contains("castle") == true, "the reason names the value: \(badKind.json)")
            let dedicatedElsewhere = try await http.json(
                .post, "/admin/venues", admin: true,
                body: #"{"id":"v3","kind":"science_base","name":"x","dedicatedSessions":{"threshold":10,"capacity":40,"cutoffDays":2}}"#)
            #expect(dedicatedElsewhere.status == .badRequest)

            let session =
                #"{"id":"s-1","venueId":"v-museum","title":"Robots","startsAt":"2030-03-02T01:30:00Z","endsAt":"2030-03-02T03:30:00Z","capacity":30}"#
            let created = try await http.json(.post, "/admin/sessions", admin: true, body: session)
            #expect(created.status == .created)
            #expect(created.json["ids"] as? [String] == ["s-1"])
            let events = try await client.query("SELECT count(*)::int FROM outbox_message").collect().first?.decode(Int.self)
            #expect(events == 1, "the session-created event is committed with the session")

            let read = try await http.json(.get, "/sessions/s-1")
            #expect(read.status == .ok)
            #expect(read.json["available"] as? Int == 30)
            #expect(read.json["venueId"] as? String == "v-museum")
            #expect(read.json["startsAt"] as? String == "2030-03-02T01:30:00.000Z")
            #expect(try await http.json(.get, "/sessions/nope").status == .notFound)

            let listed = try await http.json(.get, "/venues/v-museum/sessions?from=2030-03-01&to=2030-03-31")
            #expect((listed.json["sessions"] as? [[String: Any]])?.map { $0["id"] as? String } == ["s-1"])
            #expect(try await http.json(.get, "/venues/v-museum/sessions?from=2030-03-31&to=2030-03-01").status == .badRequest)

            let resized = try await http.json(.put, "/admin/sessions/s-1/capacity", admin: true, body: #"{"capacity":12}"#)
            #expect(resized.status == .ok)
            #expect(try await http.json(.get, "/sessions/s-1").json["capacity"] as? Int == 12)
            #expect(try await http.json(.put, "/admin/sessions/nope/capacity", admin: true, body: #"{"capacity":12}"#).status == .conflict)
            #expect(try await http.json(.put, "/admin/sessions/s-1/capacity", admin: true, body: #"{"capacity":-1}"#).status == .badRequest)

            #expect(try await http.json(.post, "/admin/sessions/s-1/close", admin: true).status == .ok)
            #expect(try await http.json(.post, "/admin/sessions/s-1/close", admin: true).status == .ok, "closing twice is no error")
            #expect(try await http.json(.post, "/admin/sessions/nope/close", admin: true).status == .notFound)
            #expect(try await http.json(.get, "/sessions/s-1").json["closed"] as? Bool == true)

            let roster = try await http.json(.get, "/admin/sessions/s-1/roster", admin: true)
            #expect(roster.status == .ok)
            #expect((roster.json["roster"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("bodies are refused with a reason: repeated keys, unknown venue, oversized, not JSON")
    func hostileBodies() async throws {
        try await RouteTesting.withRoutes(of: Self.definition) { http, _ in
            let repeated = try await http.json(.post, "/admin/venues", admin: true, body: #"{"id":"a","id":"b","kind":"museum","name":"x"}"#)
            #expect(repeated.status == .badRequest)
            #expect(repeated.json["error"] is String)
            let unknownVenue = try await http.json(
                .post, "/admin/sessions", admin: true,
                body: #"{"venueId":"ghost","startsAt":"2030-03-02T01:30:00Z","endsAt":"2030-03-02T03:30:00Z","capacity":30}"#)
            #expect(unknownVenue.status == .badRequest)
            let huge = "{\"id\":\"" + String(repeating: "x", count: 1 << 21) + "\"}"
            #expect(try await http.json(.post, "/admin/venues", admin: true, body: huge).status == .contentTooLarge)
            #expect(try await http.json(.post, "/admin/venues", admin: true, body: "not json").status == .badRequest)
            let longId = String(repeating: "x", count: 500)
            #expect(try await http.json(.get, "/sessions/\(longId)").status == .badRequest)
        }
    }

    @Test("a booking is read with its claim token in the header: missing 401, in the query 400, wrong 404")
    func bookingLookup() async throws {
        try await RouteTesting.withRoutes(of: Self.definition) { http, client in
            try await client.query("INSERT INTO venue (id, kind, name, unit_path) VALUES ('v', 'museum', 'm', '{}')")
            try await client.query(
                """
                INSERT INTO session (id, venue_id, title, starts_at, ends_at, capacity, booking_opens_at, booking_closes_at, cancellation_deadline)
                VALUES ('s', 'v', '', now() + interval '1 day', now() + interval '25 hours', 10, now(), now() + interval '1 day', now())
                """)
            try await client.query(
                """
                INSERT INTO booking (id, session_id, request_id, party_kind, resident_id, requested_seats, seats, accept_partial, status, claim_token_hash)
                VALUES ('bk_1', 's', 'rq-1', 'individual', 'r-1', 2, 2, false, 'confirmed', \(ClaimToken.hash("secret-token")))
                """)
            let header = HTTPFields([HTTPField(name: .init("Kepu-Claim-Token")!, value: "secret-token")])
            let found = try await http.json(.get, "/bookings/bk_1", headers: header)
            #expect(found.status == .ok)
            #expect(found.json["status"] as? String == "confirmed")
            #expect(found.json["seats"] as? Int == 2)
            #expect(try await http.json(.get, "/bookings/bk_1").status == .unauthorized)
            #expect(try await http.json(.get, "/bookings/bk_1?code=secret-token", headers: header).status == .badRequest)
            let wrong = HTTPFields([HTTPField(name: .init("Kepu-Claim-Token")!, value: "other")])
            #expect(try await http.json(.get, "/bookings/bk_1", headers: wrong).status == .notFound)
        }
    }
}
