import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KepuContracts
import KepuDomain
import KepuRuntime
import KepuTestSupport
import PostgresNIO
import Testing

@testable import OutreachEventsService

/// Staff, pairings and applications in process (HummingbirdTesting, real PostgreSQL): each workflow, who may take
/// each step within which scope, what is published, and that contact details never leave the service's API.
@Suite("Staff, pairings and applications (in process)")
struct OrganisationTests {
    static let registry = [
        RegistryImportTests.header,
        "city,sz,,深圳市,17560061,,,,,,",
        "district,sz.futian,sz,福田区,1553225,,,,,,",
        "district,sz.nanshan,sz,南山区,1795826,,,,,,",
        "street,sz.futian.shatou,sz.futian,沙头街道,155322,true,,,,,",
        "community,sz.futian.shatou.c01,sz.futian.shatou,一社区,30000,true,,,,,",
        "street,sz.nanshan.shekou,sz.nanshan,蛇口街道,224478,true,,,,,",
        "center,center.sz.futian,sz.futian,福田区新时代文明实践中心,,,,,,,",
        "institute,institute.sz.futian.shatou,sz.futian.shatou,沙头街道新时代文明实践所,,,,,,,",
        "station,station.sz.futian.shatou.c01,sz.futian.shatou.c01,一社区站,,,,,,,",
        "science_base,base.sz.futian.mangrove,sz.futian.shatou,红树林基地,,,,,,,",
        "science_base,base.sz.nanshan.marine,sz.nanshan.shekou,海洋基地,,,,,,,",
    ].joined(separator: "\n")

    struct Tokens {
        let futian, nanshan, futianReviewer, futianInspector, city, futianCenterOperator: String
        init() async throws {
            futian = try await RouteTesting.token(.districtAdmin, scope: "sz.futian", subject: "futian-admin")
            nanshan = try await RouteTesting.token(.districtAdmin, scope: "sz.nanshan", subject: "nanshan-admin")
            futianReviewer = try await RouteTesting.token(.reviewer, scope: "sz.futian", subject: "futian-reviewer")
            futianInspector = try await RouteTesting.token(.inspector, scope: "sz.futian", subject: "futian-inspector")
            city = try await RouteTesting.token(.cityAdmin, scope: "sz", subject: "city-admin")
            futianCenterOperator = try await RouteTesting.token(.siteOperator, scope: "center.sz.futian", subject: "center-operator")
        }
    }

    static func outbox(_ client: PostgresClient, type: String) async throws -> [String] {
        try await client.query("SELECT payload FROM outbox_message WHERE event_type = \(type) ORDER BY id").collect().map {
            try $0.decode(String.self)
        }
    }

    @Test("staff are assigned and released within scope, published without their contact details")
    func staff() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            #expect(try await http.csv("/admin/network/import", Self.registry).status == .ok)
            let tokens = try await Tokens()
            let head = #"{"role":"head","placeId":"center.sz.futian","name":"王主任","phone":"13800000000","since":"2026-01-01"}"#
            #expect(try await http.json(.put, "/admin/staff/staff.futian.head", bearer: tokens.nanshan, body: head).status == .forbidden)
            let assigned = try await http.json(.put, "/admin/staff/staff.futian.head", bearer: tokens.futian, body: head)
            #expect(assigned.status == .ok && assigned.json["changed"] as? Bool == true)
            #expect(try await http.json(.put, "/admin/staff/staff.futian.head", bearer: tokens.futian, body: head).json["changed"] as? Bool == false)
            // The center's operator manages its own staff, not the district's.
            let liaison = #"{"role":"liaison","placeId":"center.sz.futian","name":"李联络","since":"2026-02-01"}"#
            #expect(try await http.json(.put, "/admin/staff/staff.futian.liaison", bearer: tokens.futianCenterOperator, body: liaison).status == .ok)
            let districtStaff = #"{"role":"dedicated","placeId":"sz.futian","name":"区专干","since":"2026-02-01"}"#
            #expect(
                try await http.json(.put, "/admin/staff/staff.futian.district", bearer: tokens.futianCenterOperator, body: districtStaff).status
                    == .forbidden)
            #expect(
                try await http.json(
                    .put, "/admin/staff/staff.x", bearer: tokens.city, body: #"{"role":"head","placeId":"nowhere","name":"x","since":"2026-01-01"}"#
                ).status == .unprocessableContent)

            let listed = try await http.json(.get, "/admin/staff?place=center.sz.futian", bearer: tokens.futian)
            let names = (listed.json["staff"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(Set(names) == ["王主任", "李联络"], "the admin API shows the contact")
            #expect(try await http.json(.post, "/admin/staff/staff.futian.head/release", bearer: tokens.futian).status == .ok)
            #expect(try await http.json(.post, "/admin/staff/staff.futian.head/release", bearer: tokens.futian).status == .conflict)

            let assignedEvents = try await Self.outbox(client, type: OutreachEventType.staffAssigned)
            let released = try await Self.outbox(client, type: OutreachEventType.staffReleased)
            #expect(assignedEvents.count == 2 && released.count == 1, "one event per change")
            for event in assignedEvents + released {
                #expect(!event.contains("王主任") && !event.contains("13800000000") && !event.contains("李联络"), "no contact in events: \(event)")
                #expect(event.contains(#""placePath":["sz","sz.futian","center.sz.futian"]"#), "\(event)")
            }
        }
    }

    @Test("a district admin imports within its district; one row outside refuses the whole file")
    func scopedImport() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            #expect(try await http.csv("/admin/network/import", Self.registry).status == .ok)
            let tokens = try await Tokens()
            let inside = [RegistryImportTests.header, "community,sz.futian.shatou.c02,sz.futian.shatou,二社区,20000,true,,,,,"].joined(separator: "\n")
            let outside = inside + "\ncommunity,sz.nanshan.shekou.c01,sz.nanshan.shekou,蛇口一社区,20000,true,,,,,"
            let before = try await Self.outbox(client, type: NetworkEventType.unitRecorded).count
            let refused = try await http.csv("/admin/network/import", outside, bearer: tokens.futian)
            #expect(refused.status == .forbidden, "\(refused.json)")
            #expect(try await Self.outbox(client, type: NetworkEventType.unitRecorded).count == before, "nothing of the file applied")
            #expect(try await http.csv("/admin/network/import", inside, bearer: tokens.futian).status == .ok)
            #expect(try await http.csv("/admin/network/import", inside, bearer: tokens.futianReviewer).status == .forbidden)
            #expect(try await Self.outbox(client, type: NetworkEventType.unitRecorded).count == before + 1)
        }
    }

    @Test("a pairing is created, changed and ended once each; only a base and a center, institute or station pair")
    func pairings() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            #expect(try await http.csv("/admin/network/import", Self.registry).status == .ok)
            let tokens = try await Tokens()
            func pairing(partner: String = "institute.sz.futian.shatou", base: String = "base.sz.futian.mangrove", activities: Int = 3) -> String {
                #"{"baseId":"\#(base)","partnerId":"\#(partner)","from":"2026-01-01","until":"2026-12-31","commitments":{"activitiesPerQuarter":\#(activities),"visitsPerQuarter":2}}"#
            }
            #expect(try await http.json(.put, "/admin/pairings/pair.1", bearer: tokens.nanshan, body: pairing()).status == .forbidden)
            let created = try await http.json(.put, "/admin/pairings/pair.1", bearer: tokens.futian, body: pairing())
            #expect(created.status == .created)
            #expect(created.json["partnerPath"] as? [String] == ["sz", "sz.futian", "sz.futian.shatou", "institute.sz.futian.shatou"])
            #expect(try await http.json(.put, "/admin/pairings/pair.1", bearer: tokens.futian, body: pairing()).status == .ok)
            #expect(try await http.json(.put, "/admin/pairings/pair.1", bearer: tokens.futian, body: pairing(activities: 6)).status == .ok)
            // A base of another district may pair with a Futian station: the partner's district decides.
            #expect(
                try await http.json(
                    .put, "/admin/pairings/pair.2", bearer: tokens.futian,
                    body: pairing(partner: "station.sz.futian.shatou.c01", base: "base.sz.nanshan.marine")
                )
                .status == .created)
            #expect(
                try await http.json(.put, "/admin/pairings/pair.3", bearer: tokens.futian, body: pairing(partner: "base.sz.futian.mangrove")).status
                    == .unprocessableContent, "a base is not a partner")
            #expect(
                try await http.json(.put, "/admin/pairings/pair.4", bearer: tokens.futian, body: pairing(partner: "station.sz.futian.shatou.c01"))
                    .status == .created)
            #expect(
                try await http.json(.put, "/admin/pairings/pair.5", bearer: tokens.futian, body: pairing(partner: "station.sz.futian.shatou.c01"))
                    .status == .unprocessableContent, "the same base and partner are paired once at a time")
            let ended = try await http.json(.post, "/admin/pairings/pair.1/end", bearer: tokens.futian)
            #expect(ended.status == .ok && ended.json["status"] as? String == "ended")
            #expect(try await http.json(.post, "/admin/pairings/pair.1/end", bearer: tokens.futian).status == .conflict)
            #expect(try await http.json(.put, "/admin/pairings/pair.1", bearer: tokens.futian, body: pairing()).status == .unprocessableContent)
            #expect(try await Self.outbox(client, type: OutreachEventType.pairingCreated).count == 3)
            #expect(try await Self.outbox(client, type: OutreachEventType.pairingChanged).count == 1, "the repeat changed nothing")
            #expect(try await Self.outbox(client, type: OutreachEventType.pairingEnded).count == 1)
        }
    }
}

extension OrganisationTests {
    static func submit(_ id: String, unit: String = "sz.futian.shatou.c01") -> String {
        #"{"applicationId":"\#(id)","siteName":"党群服务中心 \#(id)","unitId":"\#(unit)","address":"沙头街道","contact":{"name":"张申报","phone":"13900000000"}}"#
    }

    static func step(_ action: String, passed: Bool? = nil, day: String? = nil, comment: String? = nil) -> String {
        var fields = [#""action":"\#(action)""#]
        if let passed { fields.append(#""passed":\#(passed)"#) }
        if let day { fields.append(#""day":"\#(day)""#) }
        if let comment { fields.append(#""comment":"\#(comment)""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    @Test("an application goes from submission to a practice point, each step by its role within scope, and expires when not re-evaluated")
    func applicationApproved() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            #expect(try await http.csv("/admin/network/import", Self.registry).status == .ok)
            let tokens = try await Tokens()
            #expect(try await http.json(.post, "/admin/applications", bearer: tokens.nanshan, body: Self.submit("app.1")).status == .forbidden)
            #expect(
                try await http.json(.post, "/admin/applications", bearer: tokens.futian, body: Self.submit("app.d", unit: "sz.futian")).status
                    == .unprocessableContent, "a practice point sits on a street or community")
            #expect(try await http.json(.post, "/admin/applications", bearer: tokens.futian, body: Self.submit("app.1")).status == .created)
            #expect(try await http.json(.post, "/admin/applications", bearer: tokens.futian, body: Self.submit("app.1")).status == .conflict)
            let steps = "/admin/applications/app.1/steps"
            // Out of order, the wrong role, the wrong district, a refusal without a reason.
            #expect(try await http.json(.post, steps, bearer: tokens.city, body: Self.step("approve", passed: true)).status == .conflict)
            #expect(try await http.json(.post, steps, bearer: tokens.futianInspector, body: Self.step("review", passed: true)).status == .forbidden)
            #expect(try await http.json(.post, steps, bearer: tokens.nanshan, body: Self.step("review", passed: true)).status == .forbidden)
            #expect(try await http.json(.get, "/admin/applications/app.1", bearer: tokens.nanshan).status == .forbidden)
            #expect(try await http.json(.post, steps, bearer: tokens.futianReviewer, body: Self.step("review", passed: false)).status == .badRequest)

            #expect(
                try await http.json(.post, steps, bearer: tokens.futianReviewer, body: Self.step("review", passed: true, comment: "材料齐全")).status
                    == .ok)
            #expect(
                try await http.json(.post, steps, bearer: tokens.futianInspector, body: Self.step("schedule_inspection", day: "2026-12-20")).status
                    == .ok)
            #expect(
                try await http.json(.post, steps, bearer: tokens.futianInspector, body: Self.step("record_inspection", passed: true)).status == .ok)
            #expect(
                try await http.json(.post, steps, bearer: tokens.futian, body: Self.step("approve", passed: true)).status == .forbidden,
                "the city approves")
            let approved = try await http.json(.post, steps, bearer: tokens.city, body: Self.step("approve", passed: true, comment: "同意"))
            #expect(approved.status == .ok)
            #expect(approved.json["status"] as? String == "approved")
            #expect(approved.json["practicePointId"] as? String == "point.app.1")
            let history = (approved.json["steps"] as? [[String: Any]] ?? []).map {
                "\($0["status"] ?? "")|\($0["actor"] ?? "")|\($0["actorRole"] ?? "")"
            }
            #expect(
                history == [
                    "submitted|futian-admin|district_admin", "reviewed|futian-reviewer|reviewer", "inspection_scheduled|futian-inspector|inspector",
                    "inspected|futian-inspector|inspector", "approved|city-admin|city_admin",
                ])
            // The practice point is in the registry, published.
            let point = try await http.json(.get, "/network/sites/point.app.1")
            #expect(point.json["kind"] as? String == "practice_point" && point.json["status"] as? String == "active")
            #expect(try await Self.outbox(client, type: NetworkEventType.siteRecorded).contains { $0.contains("point.app.1") })
            let published = try await Self.outbox(client, type: OutreachEventType.applicationApproved)
            #expect(published.count == 1 && !published[0].contains("13900000000") && !published[0].contains("张申报"))
            #expect(try await http.json(.get, "/admin/applications/app.1", bearer: tokens.futian).json["contactPhone"] as? String == "13900000000")

            // A year on, not re-evaluated: it expires and the practice point is retired.
            try await client.query("UPDATE application SET valid_until = now()::date - 1 WHERE id = 'app.1'")
            let expired = try await client.withOutboxTransaction(logger: Logger(label: "test")) { transaction in
                try await ApplicationStore(client: client, logger: transaction.logger).expireOverdue(today: ShanghaiDay(Date()), in: transaction)
            }
            #expect(expired == 1)
            #expect(try await http.json(.get, "/network/sites/point.app.1").json["status"] as? String == "retired")
            #expect(try await Self.outbox(client, type: OutreachEventType.applicationExpired).count == 1)
            let listed = try await http.json(.get, "/admin/applications?status=expired", bearer: tokens.futian)
            #expect((listed.json["applications"] as? [[String: Any]])?.compactMap { $0["applicationId"] as? String } == ["app.1"])
            #expect((try await http.json(.get, "/admin/applications", bearer: tokens.nanshan).json["applications"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("an application is rejected with a reason at each step, and re-evaluation keeps or retires the practice point")
    func applicationRejected() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            #expect(try await http.csv("/admin/network/import", Self.registry).status == .ok)
            let tokens = try await Tokens()
            let path: [(String, String)] = [
                (tokens.futianReviewer, Self.step("review", passed: true)),
                (tokens.futianInspector, Self.step("schedule_inspection", day: "2026-12-20")),
                (tokens.futianInspector, Self.step("record_inspection", passed: true)),
            ]
            // Rejected at step k (0: at submission, by the review), by the step's own refusal or by `reject`.
            for k in 0...3 {
                for viaReject in [false, true] {
                    let id = "app.r\(k)\(viaReject ? "x" : "")"
                    #expect(try await http.json(.post, "/admin/applications", bearer: tokens.futian, body: Self.submit(id)).status == .created)
                    for (token, body) in path.prefix(k) {
                        #expect(try await http.json(.post, "/admin/applications/\(id)/steps", bearer: token, body: body).status == .ok)
                    }
                    let refusals = [
                        (tokens.futianReviewer, Self.step("review", passed: false, comment: "材料不全")),
                        (tokens.futianInspector, Self.step("reject", comment: "不再考察")),
                        (tokens.futianInspector, Self.step("record_inspection", passed: false, comment: "场地不符")),
                        (tokens.city, Self.step("approve", passed: false, comment: "名额已满")),
                    ]
                    let (token, body) = viaReject ? (tokens.futian, Self.step("reject", comment: "撤回")) : refusals[k]
                    let rejected = try await http.json(.post, "/admin/applications/\(id)/steps", bearer: token, body: body)
                    #expect(rejected.status == .ok, "\(id): \(rejected.json)")
                    #expect(rejected.json["status"] as? String == "rejected", "\(id)")
                    #expect(
                        try await http.json(
                            .post, "/admin/applications/\(id)/steps", bearer: tokens.city, body: Self.step("reject", comment: "again")
                        ).status == .conflict)
                }
            }
            #expect(try await Self.outbox(client, type: OutreachEventType.applicationRejected).count == 8)

            // Re-evaluation: passed extends it, failed retires the practice point.
            #expect(try await http.json(.post, "/admin/applications", bearer: tokens.futian, body: Self.submit("app.e")).status == .created)
            for (token, body) in path + [(tokens.city, Self.step("approve", passed: true))] {
                #expect(try await http.json(.post, "/admin/applications/app.e/steps", bearer: token, body: body).status == .ok)
            }
            let kept = try await http.json(
                .post, "/admin/applications/app.e/steps", bearer: tokens.futianInspector, body: Self.step("reevaluate", passed: true))
            #expect(kept.json["status"] as? String == "approved")
            #expect(try await Self.outbox(client, type: OutreachEventType.applicationReevaluated).count == 1)
            let failed = try await http.json(
                .post, "/admin/applications/app.e/steps", bearer: tokens.futianInspector,
                body: Self.step("reevaluate", passed: false, comment: "停止开展活动"))
            #expect(failed.json["status"] as? String == "expired")
            #expect(try await http.json(.get, "/network/sites/point.app.e").json["status"] as? String == "retired")
        }
    }
}
