import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import PostgresNIO

/// Needs surveys (需求调查): residents' needs a site head or volunteer found in a unit, aggregated per unit and
/// theme and published; a need is met when an event of its theme is held at or near its unit (the same street, or
/// under the need's unit) within the window after it was surveyed.
struct NeedsStore {
    let policy: MatchingPolicy
    let logger: Logger

    func submit(_ need: NeedSubmitted, in transaction: HandlerTransaction) async throws -> Refusable<Void> {
        let connection = transaction.connection
        guard try await connection.query("SELECT 1 FROM volunteer WHERE id = \(need.volunteerId) AND active", logger: logger).collect().count == 1
        else {
            return .refused(.unknownVolunteer, "volunteer \(need.volunteerId) is not an active member of the corps")
        }
        guard let path = try await CorpsStore(logger: logger).unitPath(need.unitId, on: connection) else {
            return .refused(.unknownUnit, "unit \(need.unitId) is not in the registry")
        }
        guard try await connection.query("SELECT 1 FROM skill WHERE code = \(need.theme) AND kind = 'theme'", logger: logger).collect().count == 1
        else {
            return .refused(.unknownTheme, "theme \(need.theme) is not one of the menu's themes")
        }
        let inserted = try await connection.query(
            """
            INSERT INTO need (id, volunteer_id, unit_id, unit_path, theme, audience, people, preferred)
            VALUES (\(need.needId), \(need.volunteerId), \(need.unitId), \(path), \(need.theme), \(need.audience), \(need.people),
                    \(WeeklyMinutes.literal(need.preferredTimes))::int4multirange)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger
        ).collect()
        guard !inserted.isEmpty else {
            // The same survey again is a redelivery; another survey under its id is a conflict.
            let same = try await connection.query(
                """
                SELECT 1 FROM need WHERE id = \(need.needId) AND volunteer_id = \(need.volunteerId) AND unit_id = \(need.unitId)
                    AND theme = \(need.theme) AND people = \(need.people)
                """, logger: logger
            ).collect()
            return same.isEmpty ? .refused(.conflict, "need \(need.needId) was surveyed with other details") : .done(())
        }
        try await aggregate([UnitTheme(unit: need.unitId, theme: need.theme)], in: transaction)
        return .done(())
    }

    /// Needs met by a held event: open needs of its theme surveyed within the window before it, at or near its site.
    func meet(by event: ActivityEventRecord, in transaction: HandlerTransaction) async throws {
        let rows = try await transaction.connection.query(
            """
            UPDATE need SET met_event_id = \(event.eventId), met_at = now()
            WHERE met_event_id IS NULL AND theme = \(event.theme)
              AND submitted_at <= \(event.startsAt) AND submitted_at > \(event.startsAt) - make_interval(days => \(policy.needWindowDays)::int)
              AND (unit_id = ANY(\(event.sitePath))
                   OR (cardinality(unit_path) >= 3 AND cardinality(\(event.sitePath)::text[]) >= 3
                       AND unit_path[1:3] = (\(event.sitePath)::text[])[1:3]))
            RETURNING unit_id, theme
            """, logger: logger
        ).collect()
        let pairs = Set(
            try rows.map { row in
                let (unit, theme) = try row.decode((String, String).self)
                return UnitTheme(unit: unit, theme: theme)
            })
        try await aggregate(Array(pairs), in: transaction)
    }

    /// Recomputes and publishes the aggregates of these (unit, theme) pairs.
    private func aggregate(_ pairs: [UnitTheme], in transaction: HandlerTransaction) async throws {
        guard !pairs.isEmpty else { return }
        let rows = try await transaction.connection.query(
            """
            INSERT INTO needs_aggregate AS g (unit_id, theme, unit_path, needs, people, met)
            SELECT n.unit_id, n.theme, min(n.unit_path), count(*)::int, sum(n.people), count(n.met_event_id)::int
            FROM need n JOIN unnest(\(pairs.map(\.unit))::text[], \(pairs.map(\.theme))::text[]) AS p(unit_id, theme)
                ON n.unit_id = p.unit_id AND n.theme = p.theme
            GROUP BY n.unit_id, n.theme
            ON CONFLICT (unit_id, theme) DO UPDATE SET needs = EXCLUDED.needs, people = EXCLUDED.people, met = EXCLUDED.met
            RETURNING unit_id, unit_path, theme, needs, people, met
            """, logger: logger
        ).collect()
        for row in rows {
            let (unit, path, theme, needs, people, met) = try row.decode((String, [String], String, Int, Int64, Int).self)
            transaction.emit(
                try VolunteerEvent.about(
                    "\(unit)/\(theme)", kind: "needs", VolunteerEventType.needsAggregated,
                    NeedsAggregate(unitId: unit, unitPath: path, theme: theme, needs: needs, people: Int(people), met: met)))
        }
    }
}

/// Needs are aggregated per unit and theme.
struct UnitTheme: Hashable {
    let unit: String
    let theme: String
}
