import Foundation
import Hummingbird
import KepuContracts
import KepuDomain
import KepuRuntime

/// The activity menu: public search of programmes (by theme, audience, format, district, free text), themes and
/// providers; admin writes (city and district staff; a provider keeps its own programmes).
struct MenuRoutes: RouteCollectionInstaller {
    func addRoutes(public router: Router<KepuRequestContext>, admin: RouterGroup<KepuRequestContext>, context: RouteContext) {
        let store = MenuStore(client: context.client, logger: context.logger)
        let registry = RegistryQueries(client: context.client, logger: context.logger)

        router.get("themes") { _, _ in ThemeList(themes: try await store.themes()) }
        admin.put("themes/:code") { request, context in
            let code = try context.parameters.requireIdentifier("code")
            guard code.range(of: "^[a-z][a-z0-9_]{0,63}$", options: .regularExpression) != nil else {
                throw APIError.badRequest("a theme code is a-z 0-9 _, starting with a letter, at most 64 bytes")
            }
            let input = try await request.decode(as: ThemeInput.self, context: context)
            try context.authorize([.cityAdmin])
            try await store.putTheme(code, name: input.name)
            return ThemeView(code: code, name: input.name)
        }
        router.get("providers/:id") { _, context in
            guard let provider = try await store.provider(try context.parameters.requireIdentifier("id")) else {
                throw APIError.notFound("no such provider")
            }
            return provider
        }
        admin.put("providers/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: ProviderInput.self, context: context)
            // A district's staff change only what lies wholly in their scope, before and after.
            try await authorizeDistricts(input.districts, context, registry)
            if let existing = try await store.provider(id) { try await authorizeDistricts(existing.districts, context, registry) }
            try await refusingUnprocessable { try await store.putProvider(id, input) }
            guard let provider = try await store.provider(id) else { throw APIError.notFound("no such provider") }
            return provider
        }
        router.get("programmes/:id") { _, context in
            guard let programme = try await store.programme(try context.parameters.requireIdentifier("id")) else {
                throw APIError.notFound("no such programme")
            }
            return programme
        }
        router.get("programmes") { request, _ in
            let (after, limit) = try Page.read(request)
            return try await store.search(try Self.filter(request), after: after, limit: limit)
        }
        admin.put("programmes/:id") { request, context in
            let id = try context.parameters.requireIdentifier("id")
            let input = try await request.decode(as: ProgrammeInput.self, context: context)
            if context.identity?.role == .provider {
                try context.authorize([.provider], over: [input.providerId])
                if let existing = try await store.programme(id) { try context.authorize([.provider], over: [existing.providerId]) }
            } else {
                try await authorizeDistricts(input.districts, context, registry)
                if let existing = try await store.programme(id) { try await authorizeDistricts(existing.districts, context, registry) }
            }
            try await refusingUnprocessable { try await store.putProgramme(id, input) }
            guard let programme = try await store.programme(id) else { throw APIError.notFound("no such programme") }
            return programme
        }
    }

    /// City staff write for any district; district staff only for districts within their scope.
    private func authorizeDistricts(_ districts: [String], _ context: KepuRequestContext, _ registry: RegistryQueries) async throws {
        try context.authorize([.cityAdmin, .districtAdmin])
        for district in districts {
            guard let path = try await registry.path(unit: district) else {
                throw APIError(.unprocessableContent, "district \(district) is not in the registry")
            }
            try context.authorize([.cityAdmin, .districtAdmin], over: path)
        }
    }

    static func filter(_ request: Request) throws -> ProgrammeFilter {
        let query = request.uri.queryParameters
        func text(_ name: String, max: Int) throws -> String? {
            guard let value = query.get(name) else { return nil }
            do {
                try FieldLimit.check(value, name, max: max)
            } catch {
                throw APIError.badRequest("invalid \(error)")
            }
            return value
        }
        func closed<Value: RawRepresentable & CaseIterable>(_ name: String, _: Value.Type) throws -> Value? where Value.RawValue == String {
            guard let value = query.get(name) else { return nil }
            guard let known = Value(rawValue: value) else {
                throw APIError.badRequest("\(name) is one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return known
        }
        return ProgrammeFilter(
            theme: try text("theme", max: FieldLimit.code), format: try closed("format", ActivityFormat.self),
            audience: try closed("audience", AgeBand.self), district: try text("district", max: FieldLimit.identifier),
            text: try text("q", max: FieldLimit.name))
    }
}
