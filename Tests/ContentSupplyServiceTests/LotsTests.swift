import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import KepuTooling
import Testing

@testable import ContentSupplyService

/// A donation from recording to stock, as the executable does it against the registry and volunteer's needs on the
/// bus: the plan follows population, needs and history; approval is scoped to the district; receipts record
/// discrepancies; loans never take stock below zero, however many run at once; a reading activity links its books.
@Suite("Book lots, stock, loans and reading (real executable)", .serialized, .startsServiceProcesses)
struct LotsTests {
    static func token(_ role: AdminRole, scope: String) async throws -> String {
        try await AdminAuthenticator.sign(AdminClaims(subject: "tester", role: role, scope: scope, lifetime: 3600), secret: ServiceProcess.jwtSecret)
    }

    static func call(_ service: ServiceProcess, _ method: String, _ path: String, token: String = ServiceProcess.adminToken, json: String = "")
        async -> (status: Int, body: String)?
    {
        await httpRequest(
            port: service.httpPort, method: method, path: path, headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
            body: json)
    }

    static func allocations(_ body: String?) -> [String: Int] {
        guard let data = body?.data(using: .utf8), let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let rows = json["allocations"] as? [[String: Any]]
        else { return [:] }
        var result: [String: Int] = [:]
        for row in rows { result["\(row["siteId"] as? String ?? "")|\(row["isbn"] as? String ?? "")"] = row["copies"] as? Int }
        return result
    }

    @Test(
        "plan by population, needs and history; scoped approval; receipt discrepancies; 20 more loans at once than copies on the shelf; reading linked"
    )
    func donationToStock() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let database = try await TestPostgres.freshDatabase()
        let service = try ServiceProcess("content-supply", database: database, bootstrap: cluster.bootstrapServers)
        try await service.waitUntilReady()
        let events = try TopicCollector(topic: Topics.contentEvents.name, bootstrap: cluster.bootstrapServers)
        try await publish(try ContentFixtures.registry(), to: cluster)
        try await eventually("content-supply follows the registry") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM site") == ContentFixtures.sites.count
        }
        for isbn in [ContentFixtures.isbn, ContentFixtures.isbn2] {
            #expect(await Self.call(service, "PUT", "/admin/books/\(isbn)", json: ContentFixtures.book)?.status == 200)
        }
        let lot = #"{"districtId":"sz.futian","donor":"湖南科学技术出版社","titles":[{"isbn":"\#(ContentFixtures.isbn)","copies":100}],"minimumPerSite":2}"#

        // Population alone: st.a 30,000, st.b 10,000, st.c and the center none. Minimum 2 each, the rest 3:1.
        let planned = await Self.call(service, "PUT", "/admin/lots/lot-1", json: lot)
        #expect(planned?.status == 200, "\(planned?.body ?? "")")
        let byPopulation = Self.allocations(planned?.body)
        #expect(byPopulation.values.reduce(0, +) == 100, "every copy allocated: \(byPopulation)")
        let a = byPopulation["st.a|\(ContentFixtures.isbn)"] ?? 0
        let b = byPopulation["st.b|\(ContentFixtures.isbn)"] ?? 0
        #expect(a > b && b > (byPopulation["st.c|\(ContentFixtures.isbn)"] ?? 0), "\(byPopulation)")
        #expect(byPopulation["st.n|\(ContentFixtures.isbn)"] == nil, "Nanshan's station is not in Futian's plan")

        // Needs: 300 unmet people surveyed at st.c's unit weigh as 30,000 residents; the plan changes.
        try await publish(
            [
                try ContentFixtures.needs(
                    NeedsAggregate(
                        unitId: "sz.futian.c", unitPath: ContentFixtures.futian + ["sz.futian.c"], theme: "health", needs: 3, people: 450, met: 1))
            ],
            to: cluster)
        try await eventually("the needs followed") {
            try await TestPostgres.count(database, "SELECT COALESCE(sum(unmet_people), 0)::int FROM reading_need") == 300
        }
        let withNeeds = Self.allocations(await Self.call(service, "PUT", "/admin/lots/lot-1", json: lot)?.body)
        #expect((withNeeds["st.c|\(ContentFixtures.isbn)"] ?? 0) > (byPopulation["st.c|\(ContentFixtures.isbn)"] ?? 0), "\(withNeeds)")
        #expect(withNeeds.values.reduce(0, +) == 100)

        // Approval is the district's: Nanshan's admin is refused, Futian's approves; an approved plan no longer changes.
        #expect(
            await Self.call(service, "POST", "/admin/lots/lot-1/approve", token: try await Self.token(.districtAdmin, scope: "sz.nanshan"))?.status
                == 403)
        #expect(
            await Self.call(service, "POST", "/admin/lots/lot-1/approve", token: try await Self.token(.districtAdmin, scope: "sz.futian"))?.status
                == 200)
        #expect(await Self.call(service, "PUT", "/admin/lots/lot-1", json: lot)?.status == 409)
        #expect(
            await Self.call(
                service, "POST", "/admin/lots/lot-1/receipts",
                json: #"{"siteId":"st.a","titles":[{"isbn":"\#(ContentFixtures.isbn)","received":1,"damaged":0}]}"#)?.status == 409,
            "not shipped yet")
        #expect(await Self.call(service, "POST", "/admin/lots/lot-1/ship")?.status == 200)

        // st.a's operator receives: 3 short, 2 damaged. Another site's operator may not report for st.a.
        let shipped = withNeeds["st.a|\(ContentFixtures.isbn)"] ?? 0
        let receipt = #"{"siteId":"st.a","titles":[{"isbn":"\#(ContentFixtures.isbn)","received":\#(shipped - 3),"damaged":2}]}"#
        #expect(
            await Self.call(service, "POST", "/admin/lots/lot-1/receipts", token: try await Self.token(.siteOperator, scope: "st.b"), json: receipt)?
                .status == 403)
        let received = await Self.call(
            service, "POST", "/admin/lots/lot-1/receipts", token: try await Self.token(.siteOperator, scope: "st.a"), json: receipt)
        #expect(received?.status == 200, "\(received?.body ?? "")")
        #expect(received?.body.contains(#""kind":"shortage""#) == true && received?.body.contains(#""kind":"damage""#) == true)
        #expect(await Self.call(service, "POST", "/admin/lots/lot-1/receipts", json: receipt)?.status == 409, "a receipt once per site")
        let onShelf = shipped - 5
        #expect(try await TestPostgres.count(database, "SELECT copies FROM stock WHERE site_id = 'st.a'") == onShelf)

        // History: st.a had 5 fewer than planned (short and damaged), so a second lot gives it more than the first did.
        #expect(await Self.call(service, "PUT", "/admin/lots/lot-2", json: lot)?.status == 200)
        let second = Self.allocations(await Self.call(service, "GET", "/admin/lots/lot-2")?.body)
        #expect((second["st.a|\(ContentFixtures.isbn)"] ?? 0) > (withNeeds["st.a|\(ContentFixtures.isbn)"] ?? 0), "\(second)")
        #expect(second.values.reduce(0, +) == 100)

        // The database never lets a lot be allocated beyond its copies, whoever writes.
        await #expect(throws: (any Error).self) {
            _ = try await TestPostgres.count(
                database,
                "WITH x AS (UPDATE allocation SET copies = copies + 1000 WHERE lot_id = 'lot-2' AND site_id = 'st.b' RETURNING 1) SELECT count(*)::int FROM x"
            )
        }

        // Twenty more loans at once than the `onShelf` copies: exactly that many lent, the rest refused, stock never below 0.
        let statuses = await withTaskGroup(of: Int.self) { group in
            for n in 0..<(onShelf + 20) {
                group.addTask {
                    await Self.call(
                        service, "POST", "/admin/sites/st.a/loans",
                        json: #"{"loanId":"loan-\#(n)","isbn":"\#(ContentFixtures.isbn)","borrower":"读者\#(n)","borrowerPhone":"1380000\#(n)"}"#)?
                        .status ?? 0
                }
            }
            var all: [Int] = []
            for await status in group { all.append(status) }
            return all
        }
        #expect(statuses.filter { $0 == 200 }.count == onShelf, "\(statuses)")
        #expect(statuses.filter { $0 == 409 }.count == 20)
        #expect(try await TestPostgres.count(database, "SELECT on_loan FROM stock WHERE site_id = 'st.a'") == onShelf)
        #expect(await Self.call(service, "POST", "/admin/loans/loan-0/return")?.status == 200)
        #expect(try await TestPostgres.count(database, "SELECT on_loan FROM stock WHERE site_id = 'st.a'") == onShelf - 1)
        let overdue = await Self.call(service, "GET", "/admin/sites/st.a/loans?overdue=true")
        #expect(overdue?.status == 200 && overdue?.body.contains("loan-") == false, "nothing overdue yet")

        // A reading activity (an outreach event of format reading at st.a) reports the books it used from stock.
        let reading = ActivityEventRecord(
            eventId: "ev.read", status: .held, title: "科幻共读", siteId: "st.a", siteKind: .station, sitePath: ContentFixtures.futian + ["sz.futian.a"],
            theme: "space", format: .reading, programmeId: nil, providerId: nil, orderId: nil, pairingId: nil, campaigns: [],
            startsAt: Date().addingTimeInterval(-7200), endsAt: Date().addingTimeInterval(-3600), seats: nil, costFen: nil, attendance: nil,
            report: nil, cancellationReason: nil, volunteerNeeds: nil, tourId: nil, kitId: nil)
        try await publish(
            [
                try CloudEvent(
                    source: ServiceName.outreachEvents.eventSource, type: ActivityEventType.eventRecorded, subject: "event/ev.read", payload: reading
                )
                .kafkaMessage(topic: Topics.outreachEvents.name, key: "ev.read")
            ], to: cluster)
        try await eventually("the reading activity followed") {
            try await TestPostgres.count(database, "SELECT count(*)::int FROM reading_activity") == 1
        }
        try await publish(
            [
                ContentFixtures.request(
                    ContentRequestType.readingReported, key: "st.a",
                    #"{"requestId":"r-too-many","eventId":"ev.read","siteId":"st.a","books":[{"isbn":"\#(ContentFixtures.isbn)","copies":\#(onShelf + 1)}],"readers":30}"#
                ),
                ContentFixtures.request(
                    ContentRequestType.readingReported, key: "st.a",
                    #"{"requestId":"r-ok","eventId":"ev.read","siteId":"st.a","books":[{"isbn":"\#(ContentFixtures.isbn)","copies":12}],"readers":30}"#
                ),
            ], to: cluster)
        try await eventually("the report answered and recorded") {
            EngagementFoldTests.records(events, ContentEventType.readingRecorded).contains {
                $0["eventId"] as? String == "ev.read" && $0["readers"] as? Int == 30
            }
                && EngagementFoldTests.records(events, ContentEventType.requestRejected).contains {
                    $0["requestId"] as? String == "r-too-many" && $0["reason"] as? String == "not_in_stock"
                }
        }
        // Events carry no borrower or donor: contact details stay in the database and admin API.
        #expect(EngagementFoldTests.records(events, ContentEventType.stockChanged).contains { $0["siteId"] as? String == "st.a" })
        #expect(
            !events.all.contains {
                String(decoding: $0.value, as: UTF8.self).contains("读者") || String(decoding: $0.value, as: UTF8.self).contains("出版社")
            })
        #expect(await service.terminate() == 0)
        await events.stop()
        cluster.stop()
    }
}
