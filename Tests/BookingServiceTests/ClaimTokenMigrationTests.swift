import Foundation
import KepuContracts
import KepuRuntime
import KepuTestSupport
import Logging
import PostgresNIO
import Testing

@testable import BookingService

/// Migration 6 on a database that booked with check-in codes: the codes become claim token hashes (an old code
/// still works as its token) and are erased; stored fingerprints lose the requests' names and phones.
@Suite("Booking's claim-token migration (real PostgreSQL)")
struct ClaimTokenMigrationTests {
    @Test("an old check-in code is hashed into claim_token_hash and erased; a JSON fingerprint becomes its SHA-256")
    func codesBecomeHashes() async throws {
        let logger = Logger(label: "claim-migration-test")
        try await TestPostgres.withClient(try await TestPostgres.freshDatabase()) { client in
            let before = Array(BookingSchema.migrations.prefix { $0.version <= 5 })
            try await Migrator.migrateService(client, component: "booking", migrations: before, logger: logger)
            try await client.query("INSERT INTO venue (id, kind, name) VALUES ('v', 'museum', 'Museum')", logger: logger)
            try await client.query(
                """
                INSERT INTO session (id, venue_id, starts_at, ends_at, capacity, booking_opens_at, booking_closes_at, cancellation_deadline)
                VALUES ('s', 'v', now() + interval '1 day', now() + interval '1 day 2 hours', 10, now(), now() + interval '1 day', now())
                """, logger: logger)
            try await client.query(
                """
                INSERT INTO booking (id, session_id, request_id, party_kind, resident_id, requested_seats, seats, status, check_in_code, contact_name, contact_phone)
                VALUES ('bk_old', 's', 'req-old', 'individual', 'r-1', 1, 1, 'confirmed', 'K7PQ2M', '张三', '13800000000')
                """, logger: logger)
            let request =
                #"{"contact":{"name":"张三","phone":"13800000000"},"party":{"kind":"individual","residentId":"r-1","seats":1},"requestId":"req-old","sessionId":"s"}"#
            try await client.query("INSERT INTO booking_request (request_id, fingerprint) VALUES ('req-old', \(request))", logger: logger)

            try await Migrator.migrateService(client, component: "booking", migrations: BookingSchema.migrations, logger: logger)
            let row = try #require(
                try await client.query("SELECT check_in_code, claim_token_hash FROM booking WHERE id = 'bk_old'", logger: logger).collect().first)
            let (code, hash) = try row.decode((String?, String?).self)
            #expect(code == nil, "the code is erased")
            #expect(hash == ClaimToken.hash("K7PQ2M"), "the old code is the token")
            let fingerprint = try #require(
                try await client.query("SELECT fingerprint FROM booking_request WHERE request_id = 'req-old'", logger: logger).collect().first
            )
            .decode(String.self)
            #expect(fingerprint == RequestFingerprint.of(canonicalJSON: Array(request.utf8)))
            // Migrating again changes nothing (replicas starting together find it applied).
            try await Migrator.migrateService(client, component: "booking", migrations: BookingSchema.migrations, logger: logger)
            #expect(try await client.query("SELECT claim_token_hash FROM booking", logger: logger).collect().first?.decode(String?.self) == hash)
        }
    }
}
