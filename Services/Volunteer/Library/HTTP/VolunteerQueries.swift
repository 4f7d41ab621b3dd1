import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// The reads behind the HTTP API.
struct VolunteerQueries {
    let client: PostgresClient
    let logger: Logger

    func skills() async throws -> SkillList {
        var skills: [SkillView] = []
        for try await (code, kind, name, requires) in try await client.query(
            "SELECT code, kind, name, requires FROM skill ORDER BY kind, code", logger: logger
        ).decode((String, String, String, Qualification?).self) {
            skills.append(SkillView(code: code, kind: kind, name: name, requires: requires))
        }
        return SkillList(skills: skills)
    }

    func teams() async throws -> TeamList {
        var teams: [TeamView] = []
        for try await (id, name, path, center, leader, count) in try await client.query(
            """
            SELECT t.id, t.name, t.unit_path, t.center_site_id, t.leader_volunteer_id,
                   (SELECT count(*)::int FROM volunteer v WHERE v.team_id = t.id AND v.active)
            FROM team t ORDER BY t.id
            """, logger: logger
        ).decode((String, String, [String], String?, String?, Int).self) {
            teams.append(TeamView(teamId: id, name: name, unitPath: path, centerSiteId: center, leaderVolunteerId: leader, volunteers: count))
        }
        return TeamList(teams: teams)
    }

    /// A team's path for scope checks: its unit's path, then the team itself (a team leader's scope).
    func teamPath(_ teamId: String) async throws -> [String]? {
        try await client.query("SELECT unit_path || id FROM team WHERE id = \(teamId)", logger: logger).collect().first?.decode([String].self)
    }

    /// The team paths of volunteers, for scope checks.
    func volunteerPaths(_ ids: [String]) async throws -> [String: [String]] {
        var paths: [String: [String]] = [:]
        for try await (id, path) in try await client.query(
            "SELECT v.id, t.unit_path || t.id FROM volunteer v JOIN team t ON t.id = v.team_id WHERE v.id = ANY(\(ids))", logger: logger
        ).decode((String, [String]).self) {
            paths[id] = path
        }
        return paths
    }

    func volunteer(_ id: String) async throws -> VolunteerView? {
        guard
            let row = try await client.query(
                """
                SELECT id, resident_id, team_id, role, site_id, name, phone, skills, home_path, serve_units, available::text,
                       blackout::text[], monthly_cap_minutes, verified_minutes, star_level, active
                FROM volunteer WHERE id = \(id)
                """, logger: logger
            ).collect().first
        else { return nil }
        let (volunteerId, resident, team, role, site, name, phone, skills, home, serve, available, blackout, cap, minutes, level, active) =
            try row.decode(
                (
                    String, String, String, VolunteerRole, String?, String?, String?, [String], [String], [String], String, [String], Int, Int64,
                    Int16, Bool
                )
                .self)
        var qualifications: [HeldQualification] = []
        for try await (kind, expires) in try await client.query(
            "SELECT kind, expires_on::text FROM qualification WHERE volunteer_id = \(id) ORDER BY kind", logger: logger
        ).decode((Qualification, String).self) {
            qualifications.append(HeldQualification(kind: kind, expiresOn: expires))
        }
        return VolunteerView(
            volunteerId: volunteerId, residentId: resident, teamId: team, role: role, siteId: site, name: name, phone: phone, skills: skills,
            qualifications: qualifications, homeUnitPath: home, serveUnitIds: serve, availability: WeeklyMinutes.windows(available),
            blackoutDates: blackout, monthlyHoursCap: cap / 60, verifiedHours: Double(minutes) / 60, starLevel: StarLevel(rawValue: Int(level)),
            active: active)
    }

    func volunteers(team: String, after: String, limit: Int) async throws -> VolunteerList {
        var volunteers: [VolunteerSummary] = []
        for try await (id, role, skills, minutes, level, active) in try await client.query(
            """
            SELECT id, role, skills, verified_minutes, star_level, active FROM volunteer
            WHERE team_id = \(team) AND id > \(after) ORDER BY id LIMIT \(limit)
            """, logger: logger
        ).decode((String, VolunteerRole, [String], Int64, Int16, Bool).self) {
            volunteers.append(
                VolunteerSummary(
                    volunteerId: id, role: role, skills: skills, verifiedHours: Double(minutes) / 60, starLevel: StarLevel(rawValue: Int(level)),
                    active: active))
        }
        return VolunteerList(volunteers: volunteers, next: volunteers.count == limit ? volunteers.last?.volunteerId : nil)
    }

    /// An event's site path and needed skills, when volunteer knows the event.
    func event(_ id: String) async throws -> (sitePath: [String], skills: [String], needed: Int)? {
        try await client.query("SELECT site_path, skills, needed FROM activity_event WHERE id = \(id)", logger: logger).collect().first?
            .decode(([String], [String], Int).self)
    }

    func assignments(event id: String) async throws -> AssignmentList {
        let rows = try await client.query(
            """
            SELECT id, event_id, volunteer_id, status, lower(during), upper(during), respond_by FROM assignment
            WHERE event_id = \(id) ORDER BY offered_at, id
            """, logger: logger
        ).collect()
        let staffing = try await client.query(
            "SELECT site_path, needed, staffed_accepted, staffed_offered FROM activity_event WHERE id = \(id) AND staffed_needed IS NOT NULL",
            logger: logger
        ).collect().first.map { row -> EventStaffing in
            let (path, needed, accepted, offered) = try row.decode(([String], Int, Int, Int).self)
            return EventStaffing(
                eventId: id, sitePath: path, needed: needed, accepted: accepted, offered: offered, short: max(0, needed - accepted - offered))
        }
        return AssignmentList(eventId: id, staffing: staffing, assignments: try AssignmentEvents.records(rows))
    }

    func offerVolunteer(_ offerId: String) async throws -> String? {
        try await client.query("SELECT volunteer_id FROM assignment WHERE id = \(offerId)", logger: logger).collect().first?.decode(String.self)
    }

    func hours(_ volunteerId: String) async throws -> HoursList? {
        guard
            let (minutes, level) = try await client.query(
                "SELECT verified_minutes, star_level FROM volunteer WHERE id = \(volunteerId)", logger: logger
            ).collect().first?.decode((Int64, Int16).self)
        else { return nil }
        var lines: [HoursLine] = []
        for try await (event, title, day, lineMinutes, status, by, reason) in try await client.query(
            """
            SELECT h.event_id, e.title, h.day::text, h.minutes, h.status, h.verified_by, h.reason
            FROM service_hours h LEFT JOIN activity_event e ON e.id = h.event_id
            WHERE h.volunteer_id = \(volunteerId) ORDER BY h.day DESC, h.event_id LIMIT 1000
            """, logger: logger
        ).decode((String, String?, String, Int, HoursStatus, String?, String?).self) {
            lines.append(HoursLine(eventId: event, title: title, day: day, minutes: lineMinutes, status: status, verifiedBy: by, reason: reason))
        }
        return HoursList(
            volunteerId: volunteerId, verifiedHours: Double(minutes) / 60, starLevel: StarLevel(rawValue: Int(level)),
            pendingMinutes: lines.filter { $0.status == .pending }.reduce(0) { $0 + $1.minutes }, hours: lines)
    }

    func coverage() async throws -> CoverageList {
        var units: [SiteHeadCoverage] = []
        for try await (unit, path, sites, withHead) in try await client.query(
            "SELECT unit_id, unit_path, sites, with_head FROM site_head_coverage ORDER BY cardinality(unit_path), unit_id", logger: logger
        ).decode((String, [String], Int, Int).self) {
            units.append(SiteHeadCoverage(unitId: unit, unitPath: path, sites: sites, sitesWithHead: withHead))
        }
        return CoverageList(units: units)
    }

    func needs(under unit: String?) async throws -> NeedsList {
        var needs: [NeedsAggregate] = []
        for try await (id, path, theme, count, people, met) in try await client.query(
            """
            SELECT unit_id, unit_path, theme, needs, people, met FROM needs_aggregate
            WHERE \(unit ?? "")::text = '' OR \(unit ?? "")::text = ANY(unit_path)
            ORDER BY unit_id, theme LIMIT 5000
            """, logger: logger
        ).decode((String, [String], String, Int, Int64, Int).self) {
            needs.append(NeedsAggregate(unitId: id, unitPath: path, theme: theme, needs: count, people: Int(people), met: met))
        }
        return NeedsList(needs: needs)
    }

    /// Open needs no menu programme of their theme serving their district covers, and no published event of their
    /// theme at or near their unit still to come meets.
    func uncovered(under unit: String?, now: Date) async throws -> UncoveredList {
        var needs: [UncoveredNeed] = []
        for try await (id, path, theme, open, people) in try await client.query(
            """
            SELECT n.unit_id, min(n.unit_path), n.theme, count(*)::int, sum(n.people)::int8
            FROM need n
            WHERE n.met_event_id IS NULL AND (\(unit ?? "")::text = '' OR \(unit ?? "")::text = ANY(n.unit_path))
              AND NOT EXISTS (SELECT 1 FROM programme p WHERE p.active AND p.theme = n.theme AND p.districts && n.unit_path)
              AND NOT EXISTS (
                  SELECT 1 FROM activity_event e WHERE e.status = 'published' AND e.theme = n.theme AND e.starts_at > \(now)
                    AND (n.unit_id = ANY(e.site_path)
                         OR (cardinality(n.unit_path) >= 3 AND cardinality(e.site_path) >= 3 AND n.unit_path[1:3] = e.site_path[1:3])))
            GROUP BY n.unit_id, n.theme ORDER BY count(*) DESC, n.unit_id, n.theme LIMIT 1000
            """, logger: logger
        ).decode((String, [String], String, Int, Int64).self) {
            needs.append(UncoveredNeed(unitId: id, unitPath: path, theme: theme, openNeeds: open, people: Int(people)))
        }
        return UncoveredList(needs: needs)
    }
}
