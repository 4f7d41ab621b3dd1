import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KepuDomain
import KepuRuntime
import KepuTestSupport
import Testing

@testable import ContentSupplyService

@Suite("ISBNs: checksums and ISBN-10 conversion")
struct ISBNTests {
    @Test("an ISBN-13 is read with or without hyphens; an ISBN-10 (with X) becomes its ISBN-13")
    func valid() throws {
        #expect(try ISBN("978-7-5357-3221-7").digits == "9787535732217")
        #expect(try ISBN("9780205309023").digits == "9780205309023")
        #expect(try ISBN("0-8044-2957-X").digits == "9780804429573")
        #expect(try ISBN("080442957x") == ISBN("978-0-8044-2957-3"))
    }

    @Test("a wrong check digit, a letter, a wrong length or a long text is refused, saying why")
    func invalid() {
        #expect(throws: ISBN.Problem.checksum) { try ISBN("9787535732218") }
        #expect(throws: ISBN.Problem.checksum) { try ISBN("0804429571") }
        #expect(throws: ISBN.Problem.character) { try ISBN("97875357322A7") }
        #expect(throws: ISBN.Problem.character) { try ISBN("X804429571") }
        #expect(throws: ISBN.Problem.length(12)) { try ISBN("978753573221") }
        #expect(throws: ISBN.Problem.length(10_000)) { try ISBN(String(repeating: "9", count: 10_000)) }
    }
}

@Suite("The catalogue of books and online works (in process)")
struct CatalogueTests {
    static let definition = try! ContentSupplyService.definition(environment: [:])
    static let book = #"{"title":"时间简史","authors":["史蒂芬·霍金"],"category":"popular_science","ageBand":"adults","publisher":"湖南科学技术出版社"}"#

    @Test("books by ISBN-13 (an ISBN-10 converted), works by theme; city staff write, others are refused; bad input is 400")
    func catalogue() async throws {
        try await RouteTesting.withRoutes(of: Self.definition) { http, _ in
            let district = try await RouteTesting.token(.districtAdmin, scope: "sz.futian")
            #expect(try await http.json(.put, "/admin/books/0-8044-2957-X", bearer: district, body: Self.book).status == .forbidden)
            let put = try await http.json(.put, "/admin/books/0-8044-2957-X", admin: true, body: Self.book)
            #expect(put.status == .ok && put.json["isbn"] as? String == "9780804429573")
            #expect(try await http.json(.get, "/books/9780804429573").json["title"] as? String == "时间简史")
            #expect(try await http.json(.get, "/books/080442957X").status == .ok)
            #expect(try await http.json(.get, "/books/9780804429574").status == .badRequest)
            #expect(try await http.json(.put, "/admin/books/9787535732218", admin: true, body: Self.book).status == .badRequest)
            #expect(
                try await http.json(
                    .put, "/admin/books/9787535732217", admin: true, body: Self.book.replacingOccurrences(of: "}", with: #","isbn":"x"}"#)
                )
                .status == .badRequest)
            #expect(
                try await http.json(
                    .put, "/admin/books/9787535732217", admin: true, body: Self.book.replacingOccurrences(of: "popular_science", with: "fantasy")
                ).status == .badRequest)
            let fiction = Self.book.replacingOccurrences(of: "popular_science", with: "science_fiction")
            #expect(try await http.json(.put, "/admin/books/9780205309023", admin: true, body: fiction).status == .ok)
            let listed = try await http.json(.get, "/books?category=science_fiction")
            #expect((listed.json["books"] as? [[String: Any]])?.compactMap { $0["isbn"] as? String } == ["9780205309023"])
            #expect(try await http.json(.get, "/books?category=fantasy").status == .badRequest)
            let page = try await http.json(.get, "/books?limit=1")
            #expect(page.json["next"] as? String == "9780205309023")

            let work = #"{"title":"夏季防溺水知识","type":"video","theme":"emergency_safety","url":"https://www.kepuchina.cn/works/1"}"#
            #expect(try await http.json(.put, "/admin/works/kp.1", admin: true, body: work).status == .ok)
            #expect(
                try await http.json(.put, "/admin/works/kp.2", admin: true, body: work.replacingOccurrences(of: "https://", with: "javascript:"))
                    .status == .badRequest)
            #expect(try await http.json(.get, "/works/kp.1").json["type"] as? String == "video")
            #expect((try await http.json(.get, "/works?theme=emergency_safety").json["works"] as? [Any])?.count == 1)
            #expect((try await http.json(.get, "/works?theme=health").json["works"] as? [Any])?.count == 0)
            #expect(try await http.json(.get, "/works/kp.2").status == .notFound)
        }
    }
}

extension CatalogueTests {
    static let file = """
        kind,id,title,authors,category,age_band,publisher,type,theme,url
        book,0-8044-2957-X,时间简史,史蒂芬·霍金,popular_science,adults,湖南科学技术出版社,,,
        book,9780205309023,三体,刘慈欣,science_fiction,teens,重庆出版社,,,
        work,kp.1,夏季防溺水知识,,,,,video,emergency_safety,https://www.kepuchina.cn/works/1
        """

    @Test("the CSV import reports every row, applies all or nothing, and a dry run changes nothing")
    func importFile() async throws {
        try await RouteTesting.withRoutes(of: Self.definition) { http, _ in
            func upload(_ body: String, dryRun: Bool = false, bearer: String? = nil) async throws -> (
                status: HTTPResponse.Status, json: [String: Any]
            ) {
                var headers: HTTPFields = [.contentType: "text/csv", .authorization: "Bearer \(bearer ?? RouteTesting.adminToken)"]
                headers[.accept] = "application/json"
                let response = try await http.execute(
                    uri: "/admin/catalogue/import?dryRun=\(dryRun)", method: .post, headers: headers, body: ByteBuffer(string: body))
                return (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:])
            }
            let district = try await RouteTesting.token(.districtAdmin, scope: "sz.futian")
            #expect(try await upload(Self.file, bearer: district).status == .forbidden)
            let dry = try await upload(Self.file, dryRun: true)
            #expect(dry.status == .ok && dry.json["applied"] as? Bool == false)
            #expect(try await http.json(.get, "/books/9780804429573").status == .notFound, "a dry run writes nothing")
            // One bad row (a wrong check digit, a duplicate): nothing is applied, and the report names the rows.
            let bad = Self.file + "\nbook,9787535732218,x,y,science,adults,z,,,\nwork,kp.1,again,,,,,video,health,https://example.org/1"
            let refused = try await upload(bad)
            #expect(refused.status == .unprocessableContent && refused.json["applied"] as? Bool == false)
            let rows = refused.json["rows"] as? [[String: Any]] ?? []
            #expect(rows.filter { $0["outcome"] as? String == "invalid" }.compactMap { $0["row"] as? Int } == [5, 6])
            #expect(try await http.json(.get, "/books/9780804429573").status == .notFound)
            let applied = try await upload(Self.file)
            #expect(applied.status == .ok && (applied.json["summary"] as? [String: Any])?["created"] as? Int == 3)
            #expect(try await http.json(.get, "/books/9780804429573").json["title"] as? String == "时间简史")
            let again = try await upload(Self.file.replacingOccurrences(of: "三体", with: "三体（典藏版）"))
            #expect(
                (again.json["summary"] as? [String: Any])?["changed"] as? Int == 1
                    && (again.json["summary"] as? [String: Any])?["unchanged"] as? Int == 2)
            #expect(try await upload("isbn,title\n1,2").status == .unprocessableContent, "not a catalogue file")
        }
    }
}
