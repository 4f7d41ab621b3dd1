import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime

/// Funding performance (资金绩效): budgets per unit and period, set by city admins (any unit) and district admins
/// (units in their district); the units of a level with budget, spending, execution and cost per participant,
/// ranked by efficiency.
struct FundingRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let budgets = BudgetStore(client: context.client, logger: context.logger)
        let queries = KPIQueries(client: context.client, logger: context.logger)
        router.get("/api/funding") { request, _ in
            let period = try MetricsHTTPRoutes.period(of: request)
            let levelText = request.uri.queryParameters.get("level") ?? UnitLevel.district.rawValue
            guard let level = UnitLevel(rawValue: levelText) else {
                throw APIError.badRequest("level must be one of \(UnitLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return Funding(try await budgets.performance(level: level, period: period))
        }
        admin.put("/budgets/:unit") { request, context in
            let id = try context.parameters.requireIdentifier("unit")
            let input = try await request.decode(as: BudgetInput.self, context: context)
            guard let period = ReportingPeriod(parsing: input.period), period.kind != .day, period.kind != .week else {
                throw APIError.badRequest("period must be month, quarter, year or phase kind:key, e.g. year:2025")
            }
            guard let unit = try await queries.unit(id) else { throw APIError.notFound("unknown unit \(id)") }
            try context.authorize([.cityAdmin, .districtAdmin], over: unit.path)
            try await budgets.save(unit: unit.id, period: period, amountFen: input.amountFen)
            return BudgetSet(unit: unit.id, period: PeriodInfo(period), amountFen: input.amountFen)
        }
    }
}

/// `PUT /admin/budgets/{unit}`: a unit's budget for a period, in fen (分).
struct BudgetInput: Decodable, Sendable, ValidatedPayload, ClosedPayload {
    var period: String
    var amountFen: Int64

    static var fields: PayloadFields { .object(["period": .value, "amountFen": .value]) }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(period, "period", max: 32)
        // A city's year is far below 10¹⁴ fen (a trillion yuan): sums of budgets cannot overflow.
        try FieldLimit.check(amountFen, "amountFen", in: 0...100_000_000_000_000)
    }
}

/// The budget as written.
struct BudgetSet: ResponseEncodable {
    let unit: String
    let period: PeriodInfo
    let amountFen: Int64
}

/// `GET /api/funding?level=&period=`.
struct Funding: ResponseEncodable {
    struct Entry: Encodable {
        let entry: FundingPerformance.Entry

        enum CodingKeys: String, CodingKey { case budgetFen, spentFen, participants, execution, costPerParticipantFen, rank }

        func encode(to encoder: any Encoder) throws {
            try entry.unit.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entry.budgetFen, forKey: .budgetFen)
            try container.encode(entry.spentFen, forKey: .spentFen)
            try container.encode(entry.participants, forKey: .participants)
            try container.encode(entry.execution, forKey: .execution)
            try container.encode(entry.costPerParticipantFen, forKey: .costPerParticipantFen)
            try container.encode(entry.rank, forKey: .rank)
        }
    }

    let period: PeriodInfo
    let units: [Entry]

    init(_ performance: FundingPerformance) {
        period = PeriodInfo(performance.period)
        units = performance.entries.map(Entry.init)
    }
}
