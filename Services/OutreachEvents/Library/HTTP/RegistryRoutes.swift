import Hummingbird
import KepuContracts
import KepuRuntime
import PostgresNIO

/// The registry: public reads of units and sites; admin writes of one unit or site, and the CSV import.
struct RegistryRoutes: RouteCollectionInstaller {
    /// Who writes the registry: the city, and a district within its district.
    static let editors: Set<AdminRole> = [.cityAdmin, .districtAdmin]

    /// A whole city's registry is about 2 MB of CSV; this leaves room for a larger one.
    static let maximumImportBytes = 32 << 20

    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let store = RegistryStore(client: context.client, logger: context.logger)
        let queries = RegistryQueries(client: context.client, logger: context.logger)

        router.get("network/units/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let unit = try await queries.unit(id) else { throw APIError.notFound("no such unit") }
            return unit
        }
        router.get("network/units/:id/children") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let (after, limit) = try Page.read(request)
            let units = try await queries.children(of: id, after: after, limit: limit)
            return UnitChildren(unitId: id, units: units, next: units.count == limit ? units.last?.id : nil)
        }
        router.get("network/units/:id/sites") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let (after, limit) = try Page.read(request)
            let sites = try await queries.sites(of: id, after: after, limit: limit)
            return UnitSites(unitId: id, sites: sites, next: sites.count == limit ? sites.last?.id : nil)
        }
        router.get("network/sites/:id") { _, context in
            let id = try context.parameters.requireIdentifier("id")
            guard let site = try await queries.site(id) else { throw APIError.notFound("no such site") }
            return site
        }

        // A district admin changes only what lies under its district, where it is now and where it would go; an
        // unknown parent is refused by the registry's own checks.
        admin.put("network/units/:id") { request, context in try await putUnit(request, context, queries: queries, store: store) }
        admin.put("network/sites/:id") { request, context in try await putSite(request, context, queries: queries, store: store) }
        // A district admin imports only what lies under its district: one record outside refuses the whole file.
        admin.post("network/import") { request, context in
            let identity = try context.authorize(Self.editors)
            let dryRun = try request.flag("dryRun")
            let body = try await request.upload(upTo: Self.maximumImportBytes)
            let rows: [RegistryCSV.Row]
            do {
                rows = try RegistryCSV.rows(from: body.readableBytesView)
            } catch let problem as RegistryCSV.FileProblem {
                throw APIError(.unprocessableContent, problem.message)
            }
            let report: RegistryImportReport
            do {
                report = try await store.write(rows, dryRun: dryRun) { path in try identity.require(Self.editors, over: path) }
            } catch let error as PostgresTransactionError {
                if let refusal = error.closureError as? APIError { throw refusal }
                throw error
            }
            return EditedResponse(status: report.summary.invalidRows > 0 ? .unprocessableContent : .ok, response: report)
        }
    }

    /// `PUT /admin/network/units/{id}`. Unoptimized: Swift 6.3.1 crashes (signal 11 while LLVM splits the coroutine)
    /// optimizing this body; it is one admin write.
    @_optimize(none)
    private func putUnit(_ request: Request, _ context: KepuRequestContext, queries: RegistryQueries, store: RegistryStore) async throws
        -> EditedResponse<RegistryImportReport>
    {
        let id = try context.parameters.requireIdentifier("id")
        let input = try await request.decode(as: UnitInput.self, context: context)
        var target: [String]?
        if let parent = input.parentId {
            target = try await queries.path(unit: parent).map { $0 + [id] }
        } else {
            try context.authorize([.cityAdmin])
        }
        try context.authorize(Self.editors, over: target)
        let current = try await queries.path(unit: id)
        try context.authorize(Self.editors, over: current)
        return try await single(input.row(id: id), store: store)
    }

    /// `PUT /admin/network/sites/{id}`, unoptimized for the same reason.
    @_optimize(none)
    private func putSite(_ request: Request, _ context: KepuRequestContext, queries: RegistryQueries, store: RegistryStore) async throws
        -> EditedResponse<RegistryImportReport>
    {
        let id = try context.parameters.requireIdentifier("id")
        let input = try await request.decode(as: SiteInput.self, context: context)
        let target = try await queries.path(unit: input.unitId).map { $0 + [id] }
        try context.authorize(Self.editors, over: target)
        let current = try await queries.path(site: id)
        try context.authorize(Self.editors, over: current)
        return try await single(input.row(id: id), store: store)
    }

    /// A single write is an import of one row: the same checks, the same change detection.
    private func single(_ row: RegistryRowText, store: RegistryStore) async throws -> EditedResponse<RegistryImportReport> {
        let report = try await store.write([RegistryCSV.Row(number: 1, text: row)], dryRun: false)
        if let problem = report.rows.first?.problems?.first {
            throw APIError(.unprocessableContent, "\(problem.code.rawValue): \(problem.field.map { "\($0) " } ?? "")\(problem.message)")
        }
        return EditedResponse(status: .ok, response: report)
    }
}
