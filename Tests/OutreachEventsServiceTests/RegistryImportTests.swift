import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KepuContracts
import KepuRuntime
import KepuTestSupport
import OutreachEventsService
import PostgresNIO
import Testing

/// The registry's CSV import and writes, in process (HummingbirdTesting, real PostgreSQL, no broker): every check
/// of the import, all rows or none, and a repeated import that changes and publishes nothing.
@Suite("Registry import and writes (in process)")
struct RegistryImportTests {
    static let definition = try! OutreachEventsService.definition(environment: [:])

    static var shenzhen: String {
        get throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("infra/data/shenzhen-registry.csv")
            return try String(contentsOf: url, encoding: .utf8)
        }
    }

    static let header = "type,id,parent,name,population,estimated,address,status,since,until,pilot_since"

    static func count(_ client: PostgresClient, _ table: String) async throws -> Int {
        let query: PostgresQuery =
            switch table {
            case "network_unit": "SELECT count(*)::int FROM network_unit"
            case "network_site": "SELECT count(*)::int FROM network_site"
            default: "SELECT count(*)::int FROM outbox_message"
            }
        return try await client.query(query).collect().first?.decode(Int.self) ?? -1
    }

    @Test("the Shenzhen file: a dry run applies nothing, the import applies all of it, and importing it again publishes nothing")
    func shenzhenFile() async throws {
        let file = try Self.shenzhen
        let rows = file.split(separator: "\n").count - 1
        try await RouteTesting.withRoutes(of: Self.definition) { http, client in
            let dry = try await http.csv("/admin/network/import?dryRun=true", file)
            #expect(dry.status == .ok)
            #expect(dry.json["applied"] as? Bool == false)
            let drySummary = try #require(dry.json["summary"] as? [String: Any])
            #expect(drySummary["rows"] as? Int == rows)
            #expect(drySummary["invalidRows"] as? Int == 0)
            #expect(drySummary["recordsPublished"] as? Int == rows)
            #expect(try await Self.count(client, "network_unit") == 0, "a dry run writes nothing")
            #expect(try await Self.count(client, "outbox") == 0)

            let imported = try await http.csv("/admin/network/import", file)
            #expect(imported.status == .ok)
            #expect(imported.json["applied"] as? Bool == true)
            let outcomes = (imported.json["rows"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
            #expect(outcomes.count == rows && outcomes.allSatisfy { $0 == "create" })
            let units = try await Self.count(client, "network_unit")
            let sites = try await Self.count(client, "network_site")
            #expect(units + sites == rows)
            #expect(units == 1 + 11 + 78 + 390, "the city, 11 districts, 78 streets, 390 communities")
            #expect(try await Self.count(client, "outbox") == rows, "one record per unit and site")

            // The same file again, with a byte-order mark and CRLF line ends: nothing changes, nothing is published.
            let again = "\u{FEFF}" + file.replacingOccurrences(of: "\n", with: "\r\n")
            let repeated = try await http.csv("/admin/network/import", again)
            #expect(repeated.status == .ok)
            #expect((repeated.json["summary"] as? [String: Any])?["recordsPublished"] as? Int == 0)
            #expect((repeated.json["rows"] as? [[String: Any]] ?? []).allSatisfy { $0["outcome"] as? String == "unchanged" })
            #expect(try await Self.count(client, "outbox") == rows)

            // Reads.
            let futian = try await http.json(.get, "/network/units/sz.futian")
            #expect(futian.status == .ok)
            #expect(futian.json["name"] as? String == "福田区")
            #expect(futian.json["path"] as? [String] == ["sz", "sz.futian"])
            #expect(futian.json["children"] as? Int == 10)
            #expect(futian.json["pilotSince"] as? String == "2022-03-01")
            let page1 = try await http.json(.get, "/network/units/sz/children?limit=6")
            let page2 = try await http.json(.get, "/network/units/sz/children?limit=6&after=\(page1.json["next"] as? String ?? "")")
            let names = ((page1.json["units"] as? [[String: Any]] ?? []) + (page2.json["units"] as? [[String: Any]] ?? [])).compactMap {
                $0["id"] as? String
            }
            #expect(names.count == 11 && Set(names).count == 11)
            #expect(page2.json["next"] == nil)
            let museum = try await http.json(.get, "/network/sites/museum.sz.science-museum")
            #expect(museum.json["unitPath"] as? [String] == ["sz", "sz.futian", "sz.futian.yuanling"])
            #expect(try await http.json(.get, "/network/units/nope").status == .notFound)
            #expect(try await http.json(.get, "/network/units/sz/children?limit=100000").status == .badRequest)
        }
    }

    @Test("every kind of bad row is named, and a file with any bad row applies nothing")
    func validationReport() async throws {
        let rows = [
            "city,sz,,深圳市,17560061,,,,,,",
            "district,sz.futian,sz,福田区,1553225,,,,,,",
            "street,sz.futian.shatou,sz.futian,沙头街道,190000,true,,,,,",
            "community,sz.futian.shatou.c01,sz.futian.shatou,一社区,30000,true,,,,,",
            // Each of these has one problem.
            "street,sz.futian.ghost,sz.nowhere,幽灵街道,,,,,,,", // unknown_parent
            "street,sz.loop.a,sz.loop.b,甲,,,,,,,", // cycle (with the next)
            "street,sz.loop.b,sz.loop.a,乙,,,,,,,", // cycle
            "community,sz.futian.wrong,sz.futian,错层社区,,,,,,,", // wrong_parent_level: a community under a district
            "district,sz.futian,sz,福田区又一次,,,,,,,", // duplicate_id
            "castle,sz.castle,sz,城堡,,,,,,,", // unknown_type
            "district,sz.bad,sz,坏人口,many,,,,,,", // bad_population
            "station,station.x,sz.futian.shatou,站,,,,,,,", // wrong_parent_level: a station on a street
            "science_base,base.x,sz.futian,基地,,,,closed,,,", // bad_status
            "science_base,base.y,sz.futian,基地,,,,,2026-02-30,,", // bad_date
            "district,Sz.Upper,sz,大写,,,,,,,", // invalid_field (id)
            "district,sz.short,sz,短行", // malformed_row
            "street,sz.futian.shatou,sz.futian,沙头街道,190000,true,,,,,", // duplicate_id (again)
            "community,base.z,sz.futian.shatou,和基地同名,,,,,,,",
            "science_base,base.z,sz.futian,基地,,,,,,,", // duplicate_id: a unit in the file has its id
            "district,sz.nameless,sz,,,,,,,,", // missing_field
        ]
        let file = ([Self.header] + rows).joined(separator: "\n")
        try await RouteTesting.withRoutes(of: Self.definition) { http, client in
            let report = try await http.csv("/admin/network/import", file)
            #expect(report.status == .unprocessableContent)
            #expect(report.json["applied"] as? Bool == false)
            let results = report.json["rows"] as? [[String: Any]] ?? []
            func codes(_ row: Int) -> [String] {
                let problems = results.first { $0["row"] as? Int == row }?["problems"] as? [[String: Any]] ?? []
                return problems.compactMap { $0["code"] as? String }
            }
            for row in 2...5 { #expect(codes(row).isEmpty, "row \(row) is fine: \(codes(row))") }
            #expect(codes(6) == ["unknown_parent"])
            #expect(codes(7) == ["cycle"] && codes(8) == ["cycle"])
            #expect(codes(9) == ["wrong_parent_level"])
            #expect(codes(10) == ["duplicate_id"])
            #expect(codes(11) == ["unknown_type"])
            #expect(codes(12) == ["bad_population"])
            #expect(codes(13) == ["wrong_parent_level"])
            #expect(codes(14) == ["bad_status"])
            #expect(codes(15) == ["bad_date"])
            #expect(codes(16) == ["invalid_field"])
            #expect(codes(17) == ["malformed_row"])
            #expect(codes(18) == ["duplicate_id"])
            #expect(codes(20) == ["duplicate_id"])
            #expect(codes(21) == ["missing_field"])
            #expect(try await Self.count(client, "network_unit") == 0, "nothing of the file is applied")
            #expect(try await Self.count(client, "outbox") == 0)

            // Files that are not registry files at all.
            #expect(try await http.csv("/admin/network/import", "id,name\nsz,深圳").status == .unprocessableContent)
            #expect(try await http.csv("/admin/network/import", "").status == .unprocessableContent)
            let notUTF8 = try await http.execute(
                uri: "/admin/network/import", method: .post, headers: [.authorization: "Bearer \(RouteTesting.adminToken)"],
                body: ByteBuffer(bytes: Array(Self.header.utf8) + [0x0A, 0xFF, 0xFE, 0x2C]))
            #expect(notUTF8.status == .unprocessableContent)
            #expect(try await http.csv("/admin/network/import?dryRun=maybe", Self.header).status == .badRequest)
            #expect(try await http.csv("/admin/network/import", Self.header, admin: false).status == .unauthorized)
        }
    }

    @Test("a level never changes, an existing unit's move republishes its descendants, and a site is retired by a write")
    func writes() async throws {
        let file =
            ([Self.header] + [
                "city,sz,,深圳市,17560061,,,,,,",
                "district,sz.futian,sz,福田区,1553225,,,,,,",
                "district,sz.nanshan,sz,南山区,1795826,,,,,,",
                "street,sz.futian.shatou,sz.futian,沙头街道,190000,true,,,,,",
                "community,sz.futian.shatou.c01,sz.futian.shatou,一社区,30000,true,,,,,",
                "station,station.c01,sz.futian.shatou.c01,一社区站,,,,,,,",
            ]).joined(separator: "\n")
        try await RouteTesting.withRoutes(of: Self.definition) { http, client in
            #expect(try await http.csv("/admin/network/import", file).status == .ok)
            let before = try await Self.count(client, "outbox")

            // Moving the street to Nanshan changes its record, its community's and its station's paths: three records.
            let moved = try await http.json(
                .put, "/admin/network/units/sz.futian.shatou", admin: true,
                body: #"{"level":"street","name":"沙头街道","parentId":"sz.nanshan","population":190000,"populationEstimated":true}"#)
            #expect(moved.status == .ok)
            #expect((moved.json["summary"] as? [String: Any])?["recordsPublished"] as? Int == 3)
            #expect(try await Self.count(client, "outbox") == before + 3)
            #expect(
                try await http.json(.get, "/network/sites/station.c01").json["unitPath"] as? [String]
                    == ["sz", "sz.nanshan", "sz.futian.shatou", "sz.futian.shatou.c01"])

            let relevel = try await http.json(
                .put, "/admin/network/units/sz.futian.shatou", admin: true, body: #"{"level":"district","name":"沙头","parentId":"sz"}"#)
            #expect(relevel.status == .unprocessableContent)
            #expect((relevel.json["error"] as? String)?.hasPrefix("level_changed") == true, "\(relevel.json)")

            let retired = try await http.json(
                .put, "/admin/network/sites/station.c01", admin: true,
                body: #"{"kind":"station","name":"一社区站","unitId":"sz.futian.shatou.c01","status":"retired","until":"2026-12-31"}"#)
            #expect(retired.status == .ok)
            #expect(try await http.json(.get, "/network/sites/station.c01").json["status"] as? String == "retired")
            let same = try await http.json(
                .put, "/admin/network/sites/station.c01", admin: true,
                body: #"{"kind":"station","name":"一社区站","unitId":"sz.futian.shatou.c01","status":"retired","until":"2026-12-31"}"#)
            #expect((same.json["summary"] as? [String: Any])?["recordsPublished"] as? Int == 0, "the same write again publishes nothing")

            let unknownField = try await http.json(
                .put, "/admin/network/sites/station.c01", admin: true, body: #"{"kind":"station","name":"x","unitId":"sz","colour":"red"}"#)
            #expect(unknownField.status == .badRequest)
            let hostileId = try await http.json(
                .put, "/admin/network/units/\(String(repeating: "a", count: 300))", admin: true,
                body: #"{"level":"district","name":"x","parentId":"sz"}"#)
            #expect(hostileId.status == .badRequest)
        }
    }
}

extension TestClientProtocol {
    /// A CSV file posted as an admin (unless `admin` is false), with the static token or `bearer`.
    func csv(_ uri: String, _ text: String, admin: Bool = true, bearer: String? = nil) async throws -> (
        status: HTTPResponse.Status, json: [String: Any]
    ) {
        var headers: HTTPFields = [.contentType: "text/csv"]
        if admin { headers[.authorization] = "Bearer \(bearer ?? RouteTesting.adminToken)" }
        let response = try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: text))
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
        return (response.status, object)
    }
}
