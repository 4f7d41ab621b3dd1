import KepuDomain
import Logging
import PostgresNIO

/// `unit_budget`: what a unit may spend in a period (fen), as city and district admins set it.
struct BudgetStore {
    let client: PostgresClient
    let logger: Logger

    func save(unit: String, period: ReportingPeriod, amountFen: Int64) async throws {
        try await client.query(
            """
            INSERT INTO unit_budget (unit_id, period_kind, period_key, amount_fen) VALUES (\(unit), \(period.kind.rawValue), \(period.key), \(amountFen))
            ON CONFLICT (unit_id, period_kind, period_key) DO UPDATE SET amount_fen = EXCLUDED.amount_fen, updated_at = now()
            """, logger: logger)
    }

    func budgets(units: [String], period: ReportingPeriod) async throws -> [String: Int64] {
        guard !units.isEmpty else { return [:] }
        let rows = try await client.query(
            """
            SELECT unit_id, amount_fen FROM unit_budget
            WHERE unit_id = ANY(\(units)::text[]) AND period_kind = \(period.kind.rawValue) AND period_key = \(period.key)
            """, logger: logger)
        var result: [String: Int64] = [:]
        for try await (unit, amount) in rows.decode((String, Int64).self) { result[unit] = amount }
        return result
    }

    /// The units of `level` with their budgets and counts in `period`, ranked.
    func performance(level: UnitLevel, period: ReportingPeriod) async throws -> FundingPerformance {
        let queries = KPIQueries(client: client, logger: logger)
        let units = try await queries.units(atLevel: level)
        let ids = units.map(\.id)
        return FundingPerformance(
            period: period, units: units, budgets: try await budgets(units: ids, period: period),
            values: try await queries.values(units: ids, period: period))
    }
}
