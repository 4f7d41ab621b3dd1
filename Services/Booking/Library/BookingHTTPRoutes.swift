import Foundation
import HTTPTypes
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Booking's HTTP API. Admin (bearer token): venues, sessions (single and recurring), capacity, close, rosters.
/// Public: a session's availability and one booking by id and claim token (`Kepu-Claim-Token` header).
enum BookingHTTPRoutes {
    static func make(policy: NoShowPolicy) -> HTTPRoutes {
        HTTPRoutes { router, admin, runtime in
            let logger = runtime.logger
            let client = runtime.client
            admin.post("venues") { request, context in
                let input = try await decodeBody(request, as: VenueInput.self)
                guard ["science_base", "demonstration_site", "museum", "practice_site"].contains(input.kind) else {
                    return jsonResponse(.badRequest, ["error": "kind must be science_base, demonstration_site, museum or practice_site"])
                }
                if let dedicated = input.dedicatedSessions {
                    guard input.kind == "museum" else { return jsonResponse(.badRequest, ["error": "only a museum opens dedicated sessions"]) }
                    if let problem = dedicated.problem { return jsonResponse(.badRequest, ["error": problem]) }
                }
                try await client.withTransaction(logger: logger) { connection in
                    try await connection.query(
                        """
                        INSERT INTO venue (id, kind, name, unit_path) VALUES (\(input.id), \(input.kind), \(input.name), \(input.unitPath ?? []))
                        ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, unit_path = EXCLUDED.unit_path
                        """, logger: logger)
                    guard let d = input.dedicatedSessions else { return }
                    let groupMin = d.groupMin ?? 5
                    try await connection.query(
                        """
                        INSERT INTO museum_dedicated_settings (venue_id, threshold, capacity, cutoff_days, start_time, duration_minutes, group_min, group_max)
                        VALUES (\(input.id), \(d.threshold), \(d.capacity), \(d.cutoffDays), \(d.startTime ?? "09:30"), \(d.durationMinutes ?? 120),
                                \(groupMin), \(d.groupMax ?? max(groupMin, 60)))
                        ON CONFLICT (venue_id) DO UPDATE SET
                            threshold = EXCLUDED.threshold, capacity = EXCLUDED.capacity, cutoff_days = EXCLUDED.cutoff_days,
                            start_time = EXCLUDED.start_time, duration_minutes = EXCLUDED.duration_minutes,
                            group_min = EXCLUDED.group_min, group_max = EXCLUDED.group_max
                        """, logger: logger)
                }
                return jsonResponse(.ok, ["id": input.id])
            }
            admin.post("sessions") { request, context in
                let input = try await decodeBody(request, as: SessionInput.self)
                return try await createSessions([input], client: client, logger: logger)
            }
            admin.post("sessions/recurring") { request, context in
                let input = try await decodeBody(request, as: RecurringSessionsInput.self)
                do {
                    return try await createSessions(try SessionAdministration.expand(input), client: client, logger: logger)
                } catch let error as AdminInputError {
                    return jsonResponse(.badRequest, ["error": error.description])
                }
            }
            admin.put("sessions/:id/capacity") { request, context in
                struct Capacity: Decodable, ValidatedPayload {
                    let capacity: Int
                    func validate() throws(ContractViolation) { try FieldLimit.check(capacity, "capacity", in: FieldLimit.count) }
                }
                let id = try context.parameters.requireIdentifier("id")
                let input = try await decodeBody(request, as: Capacity.self)
                let changed = try await client.withOutboxTransaction(logger: logger) { transaction in
                    // Never below what is confirmed: the condition is in the statement, not a separate read.
                    let rows = try await transaction.connection.query(
                        "UPDATE session SET capacity = \(input.capacity) WHERE id = \(id) AND confirmed_seats <= \(input.capacity) RETURNING id",
                        logger: logger
                    ).collect()
                    guard !rows.isEmpty else { return false }
                    try await SessionEvents.emitPublished(BookingEventType.sessionChanged, sessions: [id], in: transaction)
                    // More seats: the waitlist moves up now, not at the next cancellation.
                    try await BookingDecisions(transaction: transaction, now: Date(), policy: policy).promote(sessionID: id)
                    return true
                }
                if !changed { return jsonResponse(.conflict, ["error": "unknown session, or capacity below the confirmed seats"]) }
                return jsonResponse(.ok, ["id": id, "capacity": input.capacity])
            }
            admin.post("sessions/:id/close") { _, context in
                let id = try context.parameters.requireIdentifier("id")
                let closed = try await client.withOutboxTransaction(logger: logger) { transaction in
                    let rows = try await transaction.connection.query(
                        """
                        UPDATE session s SET closed = true FROM venue v
                        WHERE s.id = \(id) AND v.id = s.venue_id AND NOT s.closed RETURNING v.id, v.unit_path
                        """, logger: logger
                    ).collect()
                    guard let (venue, unitPath) = try rows.first?.decode((String, [String]).self) else { return false }
                    try SessionEvents.emitClosed(id, venue: venue, unitPath: unitPath, in: transaction)
                    return true
                }
                if closed { return jsonResponse(.ok, ["id": id, "closed": true]) }
                let known = try await client.query("SELECT 1 FROM session WHERE id = \(id)", logger: logger).collect()
                return known.isEmpty ? jsonResponse(.notFound, ["error": "no such session"]) : jsonResponse(.ok, ["id": id, "closed": true])
            }
            admin.get("sessions/:id/roster") { _, context in
                let id = try context.parameters.requireIdentifier("id")
                var roster: [[String: Any]] = []
                for try await (bookingID, status, seats, resident, unit, name, phone) in try await client.query(
                    """
                    SELECT id, status, seats, resident_id, unit_id, contact_name, contact_phone FROM booking
                    WHERE session_id = \(id) AND status IN ('confirmed', 'checked_in', 'waitlisted') ORDER BY created_at
                    """, logger: logger
                ).decode((String, String, Int, String?, String?, String?, String?).self) {
                    roster.append([
                        "bookingId": bookingID, "status": status, "seats": seats, "residentId": resident ?? NSNull(), "unitId": unit ?? NSNull(),
                        "contactName": name ?? NSNull(), "contactPhone": phone ?? NSNull(),
                    ])
                }
                return jsonResponse(.ok, ["sessionId": id, "roster": roster])
            }
            router.get("sessions/:id") { _, context in
                let id = try context.parameters.requireIdentifier("id")
                let rows = try await client.query(
                    "SELECT \(unescaped: publicSessionColumns) FROM session WHERE id = \(id)", logger: logger
                ).collect()
                guard let row = rows.first else { return jsonResponse(.notFound, ["error": "no such session"]) }
                return jsonResponse(.ok, try publicSession(row))
            }
            router.get("venues/:id/sessions") { request, context in
                let id = try context.parameters.requireIdentifier("id")
                // Dates are Asia/Shanghai calendar days, both inclusive; by default the next 30 days.
                let today = ShanghaiCalendar.day(Date())
                let from = request.uri.queryParameters.get("from") ?? today
                let to = request.uri.queryParameters.get("to") ?? ShanghaiCalendar.day(Date().addingTimeInterval(30 * 86400))
                guard BookingCommand.isCalendarDate(from), BookingCommand.isCalendarDate(to), from <= to else {
                    return jsonResponse(.badRequest, ["error": "from and to are yyyy-MM-dd with from <= to"])
                }
                var sessions: [[String: Any]] = []
                for row in try await client.query(
                    """
                    SELECT \(unescaped: publicSessionColumns) FROM session
                    WHERE venue_id = \(id)
                      AND starts_at >= (\(from)::date::timestamp AT TIME ZONE 'Asia/Shanghai')
                      AND starts_at < ((\(to)::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
                    ORDER BY starts_at, id LIMIT 1000
                    """, logger: logger
                ).collect() {
                    sessions.append(try publicSession(row))
                }
                return jsonResponse(.ok, ["venueId": id, "from": from, "to": to, "sessions": sessions])
            }
            router.get("bookings/:id") { request, context in
                let id = try context.parameters.requireIdentifier("id")
                // The token travels in a header, not the query string, so access logs and proxies never record it.
                guard request.uri.queryParameters.get("code") == nil else {
                    return jsonResponse(.badRequest, ["error": "send the claim token in the \(claimTokenHeader) header; ?code= is retired"])
                }
                guard let token = request.headers[claimTokenHeader], (try? ClaimToken.checkToken(token, claimTokenHeader.rawName)) != nil else {
                    return jsonResponse(
                        .unauthorized, ["error": "the \(claimTokenHeader) header must carry the booking's claim token (1...\(ClaimToken.maxLength) bytes)"])
                }
                let rows = try await client.query(
                    "SELECT id, session_id, status, seats, claim_token_hash FROM booking WHERE id = \(id)", logger: logger
                ).collect()
                // The same answer for a wrong token as for no booking: ids cannot be probed.
                guard let row = rows.first, let c = try? row.decode((String, String, String, Int, String?).self), c.4 == ClaimToken.hash(token) else {
                    return jsonResponse(.notFound, ["error": "no booking with this id and claim token"])
                }
                return jsonResponse(.ok, ["id": c.0, "sessionId": c.1, "status": c.2, "seats": c.3])
            }
        }
    }

    /// Where `GET /bookings/{id}` expects the booking's claim token.
    static let claimTokenHeader = HTTPField.Name("Kepu-Claim-Token")!

    static let publicSessionColumns =
        "id, venue_id, title, starts_at, ends_at, capacity, confirmed_seats, waitlisted_seats, closed, dedicated"

    /// A session as anyone may see it: times, capacity and what is left; never who booked.
    static func publicSession(_ row: PostgresRow) throws -> [String: Any] {
        let c = try row.decode((String, String, String, Date, Date, Int, Int, Int, Bool, Bool).self)
        return [
            "id": c.0, "venueId": c.1, "title": c.2, "startsAt": RFC3339.format(c.3), "endsAt": RFC3339.format(c.4),
            "capacity": c.5, "confirmedSeats": c.6, "available": c.5 - c.6, "waitlistedSeats": c.7, "closed": c.8, "dedicated": c.9,
        ]
    }

    /// Admin bodies are JSON with RFC 3339 times (the suite's decoder), at most 1 MB.
    static func decodeBody<T: Decodable>(_ request: Request, as type: T.Type) async throws -> T {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        let value: T
        do {
            value = try CloudEvent.jsonDecoder.decode(T.self, from: Data(buffer: buffer))
        } catch {
            throw HTTPError(.badRequest, message: "invalid JSON body: \(error)")
        }
        do {
            try (value as? any ValidatedPayload)?.validate()
        } catch {
            throw HTTPError(.badRequest, message: "invalid field \(error)")
        }
        return value
    }

    private static func createSessions(_ sessions: [SessionInput], client: PostgresClient, logger: Logger) async throws -> Response {
        do {
            let ids = try await client.withOutboxTransaction(logger: logger) { transaction in
                let ids = try await SessionAdministration.create(sessions, on: transaction.connection, logger: logger)
                try await SessionEvents.emitPublished(BookingEventType.sessionCreated, sessions: ids, in: transaction)
                return ids
            }
            return jsonResponse(.created, ["ids": ids, "count": ids.count])
        } catch let error as AdminInputError {
            return jsonResponse(.badRequest, ["error": error.description])
        } catch {
            return jsonResponse(.badRequest, ["error": "could not create sessions (unknown venue or a duplicate id?)"])
        }
    }
}
