import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// The activity menu (活动菜单): its providers, themes and programmes. A programme's every change is published.
struct MenuStore {
    let client: PostgresClient
    let logger: Logger

    /// Why a write refers to something that is not there.
    struct MissingReference: Error, CustomStringConvertible {
        let description: String
    }

    func putTheme(_ code: String, name: String) async throws {
        try await client.query(
            "INSERT INTO theme (code, name) VALUES (\(code), \(name)) ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name", logger: logger)
    }

    func themes() async throws -> [ThemeView] {
        try await client.query("SELECT code, name FROM theme ORDER BY code", logger: logger).collect().map {
            let (code, name) = try $0.decode((String, String).self)
            return ThemeView(code: code, name: name)
        }
    }

    func themeExists(_ code: String) async throws -> Bool {
        try await !client.query("SELECT 1 FROM theme WHERE code = \(code)", logger: logger).collect().isEmpty
    }

    func putProvider(_ id: String, _ input: ProviderInput) async throws {
        if let site = input.siteId, try await client.query("SELECT 1 FROM network_site WHERE id = \(site)", logger: logger).collect().isEmpty {
            throw MissingReference(description: "site \(site) is not in the registry")
        }
        try await client.query(
            """
            INSERT INTO provider (id, kind, name, site_id, districts, active) VALUES
                (\(id), \(input.kind), \(input.name), \(input.siteId), \(input.districts), \(input.active ?? true))
            ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, site_id = EXCLUDED.site_id,
                districts = EXCLUDED.districts, active = EXCLUDED.active, updated_at = now()
            """, logger: logger)
    }

    func provider(_ id: String) async throws -> ProviderView? {
        let rows = try await client.query(
            "SELECT id, kind, name, site_id, districts, active FROM provider WHERE id = \(id)", logger: logger
        ).collect()
        return try rows.first.map { ProviderView(try $0.decode(ProviderView.Columns.self)) }
    }

    /// Writes a programme and publishes it, in one transaction.
    func putProgramme(_ id: String, _ input: ProgrammeInput) async throws {
        try await client.withOutboxTransaction(logger: logger) { transaction in
            let connection = transaction.connection
            guard try await !connection.query("SELECT 1 FROM theme WHERE code = \(input.theme)", logger: logger).collect().isEmpty else {
                throw MissingReference(description: "theme \(input.theme) is not on the list (GET /api/themes)")
            }
            let provider = try await connection.query(
                "SELECT kind FROM provider WHERE id = \(input.providerId) AND active", logger: logger
            ).collect().first
            guard let kind = try provider?.decode(ProviderKind.self) else {
                throw MissingReference(description: "provider \(input.providerId) is not an active provider")
            }
            let audiences = input.audiences.map(\.rawValue)
            try await connection.query(
                """
                INSERT INTO programme (id, title, description, theme, format, audiences, duration_minutes, capacity_min, capacity_max,
                                       requirements, provider_id, districts, active)
                VALUES (\(id), \(input.title), \(input.description ?? ""), \(input.theme), \(input.format), \(audiences),
                        \(input.durationMinutes), \(input.capacityMin), \(input.capacityMax), \(input.requirements ?? ""), \(input.providerId),
                        \(input.districts), \(input.active ?? true))
                ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description, theme = EXCLUDED.theme,
                    format = EXCLUDED.format, audiences = EXCLUDED.audiences, duration_minutes = EXCLUDED.duration_minutes,
                    capacity_min = EXCLUDED.capacity_min, capacity_max = EXCLUDED.capacity_max, requirements = EXCLUDED.requirements,
                    provider_id = EXCLUDED.provider_id, districts = EXCLUDED.districts, active = EXCLUDED.active, updated_at = now()
                """, logger: logger)
            transaction.emit(
                try OutreachEvent.about(
                    id, kind: "programme", ActivityEventType.programmeRecorded,
                    ProgrammeRecord(
                        programmeId: id, title: input.title, theme: input.theme, format: input.format, audiences: input.audiences,
                        durationMinutes: input.durationMinutes, capacityMin: input.capacityMin, capacityMax: input.capacityMax,
                        providerId: input.providerId, providerKind: kind, districts: input.districts, active: input.active ?? true)))
        }
    }

    func programme(_ id: String) async throws -> ProgrammeView? {
        let rows = try await client.query(
            "SELECT \(unescaped: ProgrammeView.select) FROM programme p JOIN provider v ON v.id = p.provider_id WHERE p.id = \(id)",
            logger: logger
        ).collect()
        return try rows.first.map { ProgrammeView(try $0.decode(ProgrammeView.Columns.self)) }
    }

    /// Active programmes matching every given filter, by id after `after`. `text` matches title or description
    /// as a substring (ILIKE, served by the trigram index).
    func search(_ filter: ProgrammeFilter, after: String, limit: Int) async throws -> ProgrammePage {
        let rows = try await client.query(Self.searchQuery(filter, after: after, limit: limit), logger: logger).collect()
        let programmes = try rows.map { ProgrammeView(try $0.decode(ProgrammeView.Columns.self)) }
        return ProgrammePage(programmes: programmes, next: programmes.count == limit ? programmes.last?.id : nil)
    }

    /// The search as one statement (its plan is tested: free text goes through the trigram index).
    static func searchQuery(_ filter: ProgrammeFilter, after: String, limit: Int) -> PostgresQuery {
        let pattern = filter.text.map { "%" + escapeLike($0) + "%" }
        return """
            SELECT \(unescaped: ProgrammeView.select) FROM programme p JOIN provider v ON v.id = p.provider_id
            WHERE p.active AND p.id > \(after)
              AND (\(filter.theme)::text IS NULL OR p.theme = \(filter.theme))
              AND (\(filter.format?.rawValue)::text IS NULL OR p.format = \(filter.format?.rawValue))
              AND (\(filter.audience?.rawValue)::text IS NULL OR \(filter.audience?.rawValue) = ANY(p.audiences))
              AND (\(filter.district)::text IS NULL OR p.districts @> ARRAY[\(filter.district)::text])
              AND (\(pattern)::text IS NULL OR (p.title || ' ' || p.description) ILIKE \(pattern))
            ORDER BY p.id LIMIT \(limit)
            """
    }

    /// `text` with LIKE's wildcards and escape character taken literally.
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}

/// What `GET /api/programmes` filters by.
struct ProgrammeFilter: Sendable {
    var theme: String?
    var format: ActivityFormat?
    var audience: AgeBand?
    var district: String?
    var text: String?
}
