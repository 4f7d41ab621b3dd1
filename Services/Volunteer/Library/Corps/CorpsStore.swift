import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// What a write to the corps or a request came to: done, or refused with a reason the sender is told.
enum Refusable<Value: Sendable>: Sendable {
    case done(Value)
    case refused(VolunteerRejection, String)
}

/// The corps: branch teams and their volunteers' profiles, and the share of sites whose head is registered.
struct CorpsStore {
    let logger: Logger

    /// Creates or replaces a team (the unit must be in the registry).
    func putTeam(_ id: String, _ input: TeamInput, in transaction: HandlerTransaction) async throws -> Refusable<TeamRecord> {
        let connection = transaction.connection
        guard let path = try await unitPath(input.unitId, on: connection) else {
            return .refused(.unknownUnit, "unit \(input.unitId) is not in the registry")
        }
        try await connection.query(
            """
            INSERT INTO team (id, name, unit_path, center_site_id, leader_volunteer_id) VALUES (\(id), \(input.name), \(path), \(input.centerSiteId),
                \(input.leaderVolunteerId))
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, unit_path = EXCLUDED.unit_path, center_site_id = EXCLUDED.center_site_id,
                leader_volunteer_id = EXCLUDED.leader_volunteer_id, updated_at = now()
            """, logger: logger)
        let record = TeamRecord(
            teamId: id, name: input.name, unitPath: path, centerSiteId: input.centerSiteId, leaderVolunteerId: input.leaderVolunteerId)
        transaction.emit(try VolunteerEvent.about(id, kind: "team", VolunteerEventType.teamRecorded, record))
        return .done(record)
    }

    /// Who registers: the volunteer's app over Kafka (proving a stored claim token), or staff through the admin API.
    enum Registrant {
        case volunteer
        case staff
    }

    /// Registers a volunteer or replaces their profile, whether it came over Kafka or through the admin API. An
    /// empty `claimTokenHash` (staff's, without one) keeps the stored hash.
    func register(_ profile: RegistrationSubmitted, by registrant: Registrant, in transaction: HandlerTransaction) async throws
        -> Refusable<VolunteerRecord>
    {
        let connection = transaction.connection
        guard try await connection.query("SELECT 1 FROM team WHERE id = \(profile.teamId)", logger: logger).collect().count == 1 else {
            return .refused(.unknownTeam, "team \(profile.teamId) does not exist")
        }
        guard let homePath = try await unitPath(profile.homeUnitId, on: connection) else {
            return .refused(.unknownUnit, "unit \(profile.homeUnitId) is not in the registry")
        }
        let serveUnits = profile.serveUnitIds.isEmpty ? [homePath[min(1, homePath.count - 1)]] : Array(Set(profile.serveUnitIds)).sorted()
        let knownUnits = try await connection.query("SELECT id FROM network_unit WHERE id = ANY(\(serveUnits))", logger: logger).collect()
        guard knownUnits.count == serveUnits.count else {
            return .refused(.unknownUnit, "serveUnitIds name units that are not in the registry")
        }
        let skills = Array(Set(profile.skills)).sorted()
        let known = Set(
            try await connection.query("SELECT code FROM skill WHERE code = ANY(\(skills))", logger: logger).collect().map {
                try $0.decode(String.self)
            })
        if let unknown = skills.first(where: { !known.contains($0) }) {
            return .refused(.unknownSkill, "skill \(unknown) is not in the taxonomy (GET /api/skills)")
        }
        if let site = profile.siteId, try await sitePath(site, on: connection) == nil {
            return .refused(.unknownSite, "site \(site) is not in the registry")
        }
        let previous = try await connection.query(
            "SELECT resident_id, site_id, claim_token_hash FROM volunteer WHERE id = \(profile.volunteerId) FOR UPDATE", logger: logger
        ).collect().first.map { try $0.decode((String, String?, String?).self) }
        if let previous, previous.0 != profile.residentId {
            return .refused(.conflict, "volunteer \(profile.volunteerId) is registered for another resident")
        }
        if registrant == .volunteer, let stored = previous?.2, profile.claimToken.map(ClaimToken.hash) != stored {
            return .refused(.unauthorised, "a registered volunteer's new profile presents their current claim token")
        }
        let taken = try await connection.query(
            "SELECT id FROM volunteer WHERE resident_id = \(profile.residentId) AND id <> \(profile.volunteerId)", logger: logger
        ).collect()
        guard taken.isEmpty else { return .refused(.conflict, "the resident is registered under another volunteer id") }

        try await connection.query(
            """
            INSERT INTO volunteer (id, claim_token_hash, resident_id, team_id, role, site_id, name, phone, skills, home_unit_id, home_path,
                                   serve_units, available, blackout, monthly_cap_minutes)
            VALUES (\(profile.volunteerId), nullif(\(profile.claimTokenHash), ''), \(profile.residentId), \(profile.teamId), \(profile.role), \(profile.siteId), \(profile.name),
                    \(profile.phone), \(skills), \(profile.homeUnitId), \(homePath), \(serveUnits),
                    \(WeeklyMinutes.literal(profile.availability))::int4multirange, \(profile.blackoutDates)::date[], \(profile.monthlyHoursCap * 60))
            ON CONFLICT (id) DO UPDATE SET claim_token_hash = coalesce(EXCLUDED.claim_token_hash, volunteer.claim_token_hash),
                team_id = EXCLUDED.team_id, role = EXCLUDED.role, site_id = EXCLUDED.site_id, name = EXCLUDED.name,
                phone = EXCLUDED.phone, skills = EXCLUDED.skills, home_unit_id = EXCLUDED.home_unit_id, home_path = EXCLUDED.home_path,
                serve_units = EXCLUDED.serve_units, available = EXCLUDED.available, blackout = EXCLUDED.blackout,
                monthly_cap_minutes = EXCLUDED.monthly_cap_minutes, active = true, left_at = NULL, updated_at = now()
            """, logger: logger)
        try await connection.query("DELETE FROM qualification WHERE volunteer_id = \(profile.volunteerId)", logger: logger)
        if !profile.qualifications.isEmpty {
            try await connection.query(
                """
                INSERT INTO qualification (volunteer_id, kind, expires_on)
                SELECT \(profile.volunteerId), k, e::date
                FROM unnest(\(profile.qualifications.map(\.kind.rawValue))::text[], \(profile.qualifications.map(\.expiresOn))::text[]) AS q(k, e)
                """, logger: logger)
        }
        let record = VolunteerRecord(
            volunteerId: profile.volunteerId, teamId: profile.teamId, role: profile.role, siteId: profile.siteId, skills: skills,
            homeUnitPath: homePath, active: true)
        transaction.emit(try VolunteerEvent.about(profile.volunteerId, kind: "volunteer", VolunteerEventType.volunteerRecorded, record))
        let sites = [previous?.1, profile.siteId].compactMap { $0 }
        if !sites.isEmpty { try await recountSiteHeads(sites: sites, in: transaction) }
        return .done(record)
    }

    /// A volunteer leaves the corps: inactive, their open offers and future acceptances withdrawn, and their
    /// contact details erased once the retention period passed.
    func leave(_ id: String, in transaction: HandlerTransaction) async throws -> Bool {
        let connection = transaction.connection
        let rows = try await connection.query(
            """
            UPDATE volunteer SET active = false, left_at = coalesce(left_at, now()), updated_at = now() WHERE id = \(id)
            RETURNING team_id, role, site_id, skills, home_path
            """, logger: logger
        ).collect()
        guard let row = rows.first else { return false }
        let (team, role, site, skills, path) = try row.decode((String, VolunteerRole, String?, [String], [String]).self)
        let withdrawn = try await connection.query(
            """
            UPDATE assignment SET status = 'withdrawn', answered_at = now()
            WHERE volunteer_id = \(id) AND status IN ('offered', 'accepted') AND lower(during) > now()
            RETURNING id, event_id, volunteer_id, status, lower(during), upper(during), respond_by
            """, logger: logger
        ).collect()
        try AssignmentEvents.emit(withdrawn, in: transaction)
        transaction.emit(
            try VolunteerEvent.about(
                id, kind: "volunteer", VolunteerEventType.volunteerRecorded,
                VolunteerRecord(volunteerId: id, teamId: team, role: role, siteId: site, skills: skills, homeUnitPath: path, active: false)))
        if let site { try await recountSiteHeads(sites: [site], in: transaction) }
        let matcher = Matcher(policy: .defaults, logger: logger)
        for event in Set(try AssignmentEvents.records(withdrawn).map(\.eventId)).sorted() {
            try await matcher.publishStaffing(event, in: transaction)
        }
        return true
    }

    /// Recounts the coverage of the districts (and the city) `sites` lie in, publishing what changed.
    func recountSiteHeads(sites: [String], in transaction: HandlerTransaction) async throws {
        var units: Set<String> = []
        for site in sites {
            if let path = try await sitePath(site, on: transaction.connection) { units.formUnion(path.prefix(2)) }
        }
        try await recountSiteHeads(units: units, in: transaction)
    }

    /// Recounts the coverage of `units` (the city and districts), publishing what changed.
    func recountSiteHeads(units: Set<String>, in transaction: HandlerTransaction) async throws {
        guard !units.isEmpty else { return }
        let rows = try await transaction.connection.query(
            """
            WITH u AS (SELECT unnest(\(units.sorted())::text[]) AS unit_id),
            counts AS (
                SELECT u.unit_id, count(s.id)::int AS sites,
                       count(s.id) FILTER (WHERE EXISTS (
                           SELECT 1 FROM volunteer v WHERE v.site_id = s.id AND v.role = 'site_head' AND v.active))::int AS with_head
                FROM u LEFT JOIN network_site s ON s.active AND s.kind IN ('center', 'institute', 'station') AND u.unit_id = ANY(s.unit_path)
                GROUP BY u.unit_id)
            INSERT INTO site_head_coverage AS c (unit_id, unit_path, sites, with_head)
            SELECT counts.unit_id, coalesce(n.path, ARRAY[counts.unit_id]), counts.sites, counts.with_head
            FROM counts LEFT JOIN network_unit n ON n.id = counts.unit_id
            ON CONFLICT (unit_id) DO UPDATE SET sites = EXCLUDED.sites, with_head = EXCLUDED.with_head, unit_path = EXCLUDED.unit_path
            WHERE (c.sites, c.with_head) IS DISTINCT FROM (EXCLUDED.sites, EXCLUDED.with_head)
            RETURNING unit_id, unit_path, sites, with_head
            """, logger: logger
        ).collect()
        for row in rows {
            let (unit, path, sites, withHead) = try row.decode((String, [String], Int, Int).self)
            transaction.emit(
                try VolunteerEvent.about(
                    unit, kind: "unit", VolunteerEventType.siteHeadsCounted,
                    SiteHeadCoverage(unitId: unit, unitPath: path, sites: sites, sitesWithHead: withHead)))
        }
    }

    /// Whether `token` is volunteer `id`'s claim token; nil when there is no active volunteer `id`.
    func holdsClaim(_ id: String, token: String, on connection: PostgresConnection) async throws -> Bool? {
        guard
            let row = try await connection.query("SELECT claim_token_hash FROM volunteer WHERE id = \(id) AND active", logger: logger).collect()
                .first
        else { return nil }
        return try row.decode(String?.self) == ClaimToken.hash(token)
    }

    func unitPath(_ id: String, on connection: PostgresConnection) async throws -> [String]? {
        try await connection.query("SELECT path FROM network_unit WHERE id = \(id)", logger: logger).collect().first?.decode([String].self)
    }

    func sitePath(_ id: String, on connection: PostgresConnection) async throws -> [String]? {
        try await connection.query("SELECT unit_path FROM network_site WHERE id = \(id)", logger: logger).collect().first?.decode([String].self)
    }
}
