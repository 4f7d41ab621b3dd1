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

/// The menu, the order loop, events, campaigns and the mobile science museum in process (HummingbirdTesting,
/// real PostgreSQL): every transition, who may take it, what is refused and what is published.
@Suite("Menu, orders, events, campaigns and tours (in process)")
struct ActivitiesTests {
    struct Tokens {
        let futian, nanshan, city, center, li, wang: String
        init() async throws {
            futian = try await RouteTesting.token(.districtAdmin, scope: "sz.futian", subject: "futian-admin")
            nanshan = try await RouteTesting.token(.districtAdmin, scope: "sz.nanshan", subject: "nanshan-admin")
            city = try await RouteTesting.token(.cityAdmin, scope: "sz", subject: "city-admin")
            center = try await RouteTesting.token(.siteOperator, scope: "center.sz.futian", subject: "center-operator")
            li = try await RouteTesting.token(.provider, scope: "lecturer.li", subject: "li")
            wang = try await RouteTesting.token(.provider, scope: "lecturer.wang", subject: "wang")
        }
    }

    static func provider(_ districts: String = #"["sz.futian"]"#, name: String = "讲师") -> String {
        #"{"kind":"lecturer","name":"\#(name)","districts":\#(districts)}"#
    }

    static let programme = """
        {"title":"食品安全与健康讲座","description":"专家授课 + 互动体验：读懂食品标签","theme":"health","format":"lecture",
         "audiences":["adults","seniors"],"durationMinutes":90,"capacityMin":20,"capacityMax":80,"requirements":"投影仪",
         "providerId":"lecturer.li","districts":["sz.futian"]}
        """

    static func order(_ id: String, site: String = "center.sz.futian") -> String {
        #"{"orderId":"\#(id)","siteId":"\#(site)","programmeId":"prog.health","from":"2030-03-01","until":"2030-03-31","expectedAudience":40}"#
    }

    static func step(_ action: String, _ extra: String = "") -> String {
        extra.isEmpty ? #"{"action":"\#(action)"}"# : #"{"action":"\#(action)",\#(extra)}"#
    }

    /// The registry, two providers serving Futian and the health programme.
    static func setUp(_ http: some TestClientProtocol, _ tokens: Tokens) async throws {
        #expect(try await http.csv("/admin/network/import", OrganisationTests.registry).status == .ok)
        for id in ["lecturer.li", "lecturer.wang"] {
            #expect(try await http.json(.put, "/admin/providers/\(id)", bearer: tokens.futian, body: provider()).status == .ok)
        }
        #expect(try await http.json(.put, "/admin/programmes/prog.health", bearer: tokens.li, body: programme).status == .ok)
    }

    @Test("the menu is searched by theme, audience, format, district and Chinese text; writes stay within scope")
    func menu() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            let tokens = try await Tokens()
            try await Self.setUp(http, tokens)
            #expect(
                try await http.json(.put, "/admin/providers/lecturer.x", bearer: tokens.nanshan, body: Self.provider()).status == .forbidden,
                "a Nanshan admin may not add a provider serving Futian")
            #expect(
                try await http.json(.put, "/admin/programmes/prog.health", bearer: tokens.wang, body: Self.programme).status == .forbidden,
                "a provider keeps only its own programmes")
            #expect(
                try await http.json(.put, "/admin/providers/lecturer.ns", bearer: tokens.nanshan, body: Self.provider(#"["sz.nanshan"]"#)).status
                    == .ok)
            #expect(
                try await http.json(.put, "/admin/providers/lecturer.li", bearer: tokens.nanshan, body: Self.provider(#"["sz.nanshan"]"#)).status
                    == .forbidden, "a Nanshan admin may not take over a provider serving Futian")
            let unknownTheme = Self.programme.replacingOccurrences(of: #""theme":"health""#, with: #""theme":"astrology""#)
            #expect(try await http.json(.put, "/admin/programmes/prog.x", bearer: tokens.li, body: unknownTheme).status == .unprocessableContent)

            func ids(_ query: String) async throws -> [String] {
                let page = try await http.json(.get, "/programmes?\(query)")
                #expect(page.status == .ok, "\(query)")
                return (page.json["programmes"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await ids("q=" + "健康".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!) == ["prog.health"])
            #expect(try await ids("q=" + "食品标签".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!) == ["prog.health"])
            #expect(try await ids("q=" + "火箭".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!) == [])
            #expect(try await ids("q=%25") == [], "a % is a character, not a wildcard")
            #expect(try await ids("theme=health&audience=seniors&district=sz.futian&format=lecture") == ["prog.health"])
            #expect(try await ids("audience=children") == [])
            #expect(try await ids("district=sz.nanshan") == [])
            #expect(try await http.json(.get, "/programmes?format=seance").status == .badRequest)
            #expect(try await http.json(.get, "/programmes?limit=0").status == .badRequest)
            #expect(try await http.json(.get, "/themes").json["themes"].map { ($0 as? [Any])?.count ?? 0 } ?? 0 >= 10)

            let published = try await OrganisationTests.outbox(client, type: ActivityEventType.programmeRecorded)
            #expect(published.count == 1 && published[0].contains(#""providerKind":"lecturer""#))
        }
    }

    @Test("the whole order loop: decline and re-dispatch, accept, hold, report, a failed and a passed review, close")
    func orderLoop() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            let tokens = try await Tokens()
            try await Self.setUp(http, tokens)
            #expect(try await http.json(.post, "/admin/orders", bearer: tokens.nanshan, body: Self.order("o-1")).status == .forbidden)
            let placed = try await http.json(.post, "/admin/orders", bearer: tokens.center, body: Self.order("o-1"))
            #expect(placed.status == .created && placed.json["status"] as? String == "placed" && placed.json["deadline"] != nil)
            #expect(try await http.json(.post, "/admin/orders", bearer: tokens.center, body: Self.order("o-1")).status == .ok, "a repeat")
            let different = Self.order("o-1").replacingOccurrences(of: "40", with: "41")
            #expect(try await http.json(.post, "/admin/orders", bearer: tokens.center, body: different).status == .conflict)

            func take(_ body: String, as token: String, expect status: HTTPResponse.Status, _ comment: Comment? = nil) async throws -> [String: Any] {
                let answer = try await http.json(.post, "/admin/orders/o-1/steps", bearer: token, body: body)
                #expect(answer.status == status, comment ?? "\(body)")
                return answer.json
            }
            _ = try await take(
                Self.step("dispatch", #""providerId":"lecturer.li""#), as: tokens.center, expect: .forbidden, "a site does not dispatch")
            _ = try await take(
                Self.step("accept", #""startsAt":"2030-03-10T06:00:00Z","endsAt":"2030-03-10T07:30:00Z""#), as: tokens.futian, expect: .conflict)
            _ = try await take(Self.step("dispatch", #""providerId":"lecturer.li""#), as: tokens.futian, expect: .ok)
            _ = try await take(Self.step("decline"), as: tokens.li, expect: .badRequest, "a decline needs a reason")
            let declined = try await take(Self.step("decline", #""reason":"出差""#), as: tokens.li, expect: .ok)
            #expect(declined["status"] as? String == "placed" && declined["providerId"] == nil)
            _ = try await take(Self.step("dispatch", #""providerId":"lecturer.wang""#), as: tokens.futian, expect: .ok)
            let times = #""startsAt":"2030-03-10T06:00:00Z","endsAt":"2030-03-10T07:30:00Z""#
            _ = try await take(Self.step("accept", times), as: tokens.li, expect: .forbidden, "not dispatched to li")
            let accepted = try await take(Self.step("accept", times), as: tokens.wang, expect: .ok)
            #expect(accepted["status"] as? String == "accepted")
            let eventId = try #require(accepted["eventId"] as? String)

            func event(_ body: String, as token: String, expect status: HTTPResponse.Status) async throws -> [String: Any] {
                let answer = try await http.json(.post, "/admin/events/\(eventId)/steps", bearer: token, body: body)
                #expect(answer.status == status, "\(body)")
                return (answer.json["event"] as? [String: Any]) ?? answer.json
            }
            _ = try await event(Self.step("hold", #""walkIns":5"#), as: tokens.center, expect: .conflict)
            let published = try await event(Self.step("publish", #""seats":{"capacity":60}"#), as: tokens.center, expect: .ok)
            #expect(published["status"] as? String == "published" && (published["seats"] as? [String: Any])?["capacity"] as? Int == 60)
            _ = try await event(Self.step("publish", #""youth":3"#), as: tokens.center, expect: .badRequest)
            // Nobody checked in: five walk-ins, so six young people cannot be.
            let tooYoung = try await http.json(
                .post, "/admin/events/\(eventId)/steps", bearer: tokens.center, body: Self.step("hold", #""walkIns":5,"youth":6"#))
            #expect(tooYoung.status == .conflict && "\(tooYoung.json)".contains("youth"), "\(tooYoung.json)")
            let held = try await event(Self.step("hold", #""walkIns":5,"youth":4,"durationMinutes":95"#), as: tokens.center, expect: .ok)
            #expect((held["attendance"] as? [String: Any])?["youth"] as? Int == 4, "\(held)")
            _ = try await take(Self.step("cancel", #""reason":"x""#), as: tokens.center, expect: .conflict, "a held order is not cancelled")
            _ = try await event(Self.step("report"), as: tokens.center, expect: .badRequest)
            _ = try await event(Self.step("report", #""report":"80人参加，现场互动热烈""#), as: tokens.center, expect: .ok)
            _ = try await take(Self.step("review", #""passed":false,"reason":"缺少照片""#), as: tokens.futian, expect: .ok)
            #expect(
                try await http.json(.get, "/admin/orders/o-1", bearer: tokens.futian).json["status"] as? String == "held",
                "a failed review sends the order back for another report")
            _ = try await event(Self.step("report", #""report":"补充照片""#), as: tokens.center, expect: .ok)
            _ = try await take(Self.step("close"), as: tokens.futian, expect: .conflict, "not reviewed yet")
            _ = try await take(Self.step("review", #""passed":true"#), as: tokens.center, expect: .forbidden, "a site does not review itself")
            _ = try await take(Self.step("review", #""passed":true"#), as: tokens.futian, expect: .ok)
            let closed = try await take(Self.step("close"), as: tokens.center, expect: .ok)
            #expect(closed["status"] as? String == "closed" && closed["deadline"] == nil)
            _ = try await take(Self.step("cancel", #""reason":"x""#), as: tokens.center, expect: .conflict)

            let steps = try await OrganisationTests.outbox(client, type: ActivityEventType.orderChanged).compactMap {
                (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["step"] as? String
            }
            #expect(steps == ["place", "dispatch", "decline", "dispatch", "accept", "held", "report", "review", "report", "review", "close"])
            let last = try await OrganisationTests.outbox(client, type: ActivityEventType.orderChanged).last ?? ""
            #expect(last.contains(#""rating":{"average":0,"ratings":0}"#) || last.contains(#""rating":{"ratings":0,"average":0}"#), "\(last)")
            let records = try await OrganisationTests.outbox(client, type: ActivityEventType.eventRecorded)
            #expect(records.last?.contains(#""walkIns":5"#) == true && records.last?.contains(#""status":"reported""#) == true)
            #expect(records.last?.contains(#""youth":4"#) == true, "the young people counted at the door travel with the record")
        }
    }

    @Test("an open order claimed by many providers at once: exactly one wins; a provider outside the district cannot claim")
    func claims() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            let tokens = try await Tokens()
            try await Self.setUp(http, tokens)
            let claimants = (1...12).map { "lecturer.c\($0)" }
            for id in claimants {
                #expect(try await http.json(.put, "/admin/providers/\(id)", bearer: tokens.city, body: Self.provider()).status == .ok)
            }
            #expect(
                try await http.json(.put, "/admin/providers/lecturer.ns", bearer: tokens.nanshan, body: Self.provider(#"["sz.nanshan"]"#)).status
                    == .ok)
            #expect(try await http.json(.post, "/admin/orders", bearer: tokens.center, body: Self.order("o-open")).status == .created)
            #expect(
                try await http.json(.post, "/admin/orders/o-open/steps", bearer: tokens.futian, body: Self.step("publish")).json["status"] as? String
                    == "open")
            let outsider = try await RouteTesting.token(.provider, scope: "lecturer.ns", subject: "ns")
            let refused = try await http.json(
                .post, "/admin/orders/o-open/steps", bearer: outsider, body: Self.step("claim", #""providerId":"lecturer.ns""#))
            #expect(refused.status == .conflict)
            var tokensByProvider: [String: String] = [:]
            for id in claimants { tokensByProvider[id] = try await RouteTesting.token(.provider, scope: id, subject: id) }
            let statuses = try await withThrowingTaskGroup(of: (String, HTTPResponse.Status).self) { group in
                for id in claimants {
                    let token = tokensByProvider[id] ?? ""
                    group.addTask {
                        (
                            id,
                            try await http.json(
                                .post, "/admin/orders/o-open/steps", bearer: token, body: Self.step("claim", #""providerId":"\#(id)""#)
                            ).status
                        )
                    }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            let winners = statuses.filter { $0.value == .ok }.map(\.key)
            #expect(winners.count == 1, "\(statuses)")
            #expect(statuses.values.filter { $0 == .conflict }.count == claimants.count - 1)
            let order = try await http.json(.get, "/admin/orders/o-open", bearer: tokens.futian)
            #expect(order.json["providerId"] as? String == winners.first && order.json["status"] as? String == "dispatched")
            // A provider reads only what is dispatched to it.
            let loser = tokensByProvider[claimants.first { $0 != winners.first } ?? ""] ?? ""
            #expect(try await http.json(.get, "/admin/orders/o-open", bearer: loser).status == .forbidden)
            let claimsPublished = try await OrganisationTests.outbox(client, type: ActivityEventType.orderChanged).filter {
                $0.contains(#""step":"claim""#)
            }
            #expect(claimsPublished.count == 1)
        }
    }

    @Test("a step past its deadline is raised once, and again for the next step")
    func overdue() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            let tokens = try await Tokens()
            try await Self.setUp(http, tokens)
            #expect(try await http.json(.post, "/admin/orders", bearer: tokens.center, body: Self.order("o-late")).status == .created)
            let store = OrderStore(logger: .init(label: "test"), deadlines: .defaults)
            func sweep(daysAhead: Double) async throws -> Int {
                try await client.withOutboxTransaction(logger: .init(label: "test")) { transaction in
                    try await store.raiseOverdue(now: Date().addingTimeInterval(daysAhead * 86_400), in: transaction)
                }
            }
            #expect(try await sweep(daysAhead: 0) == 0, "not due yet")
            #expect(try await sweep(daysAhead: 5) == 1)
            #expect(try await sweep(daysAhead: 5) == 0, "raised once")
            #expect(try await http.json(.get, "/admin/orders/o-late", bearer: tokens.futian).json["overdue"] as? Bool == true)
            #expect(
                try await http.json(
                    .post, "/admin/orders/o-late/steps", bearer: tokens.futian, body: Self.step("dispatch", #""providerId":"lecturer.li""#)
                ).status == .ok)
            #expect(try await sweep(daysAhead: 0) == 0)
            #expect(try await sweep(daysAhead: 5) == 1, "the provider's answer is overdue now")
            let overdue = try await OrganisationTests.outbox(client, type: ActivityEventType.orderOverdue)
            #expect(overdue.count == 2 && overdue[1].contains(#""status":"dispatched""#) && overdue[1].contains(#""providerId":"lecturer.li""#))
            #expect(
                OrderDeadlines.adding(workingDays: 1, to: Date(timeIntervalSince1970: 1_796_958_000)) == Date(timeIntervalSince1970: 1_797_217_200),
                "Friday to Monday")
        }
    }

    @Test("two dispatchers racing for one kit: exactly one wins; travel and set-up are kept between stops")
    func kits() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            let tokens = try await Tokens()
            try await Self.setUp(http, tokens)
            #expect(
                try await http.json(
                    .put, "/admin/kits/kit.space", bearer: tokens.city, body: #"{"name":"航天展","setupMinutes":60,"teardownMinutes":60}"#
                ).status == .ok)
            func stop(_ tour: String, site: String, from: String, to: String, token: String) async throws -> HTTPResponse.Status {
                let body =
                    #"{"kitId":"kit.space","siteId":"\#(site)","title":"流动科技馆","theme":"youth_science","startsAt":"\#(from)","endsAt":"\#(to)","seats":{"capacity":100}}"#
                return try await http.json(.post, "/admin/tours/\(tour)/stops", bearer: token, body: body).status
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<10 {
                    let token = index % 2 == 0 ? tokens.futian : tokens.city
                    group.addTask {
                        try await stop(
                            "tour-\(index)", site: "station.sz.futian.shatou.c01", from: "2030-05-01T02:00:00Z", to: "2030-05-01T08:00:00Z",
                            token: token)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 9)
            // The next stop, across districts: tear-down (1 h) + travel (2 h) + set-up (1 h) after 08:00.
            #expect(
                try await stop("t", site: "base.sz.nanshan.marine", from: "2030-05-01T11:30:00Z", to: "2030-05-01T14:00:00Z", token: tokens.city)
                    == .conflict)
            #expect(
                try await stop("t", site: "base.sz.nanshan.marine", from: "2030-05-01T12:00:00Z", to: "2030-05-01T14:00:00Z", token: tokens.city)
                    == .created)
            // Within a district the truck needs one hour: 1 h + 1 h + 1 h after 14:00.
            #expect(
                try await stop("t", site: "base.sz.nanshan.marine", from: "2030-05-01T16:30:00Z", to: "2030-05-01T18:00:00Z", token: tokens.city)
                    == .conflict)
            #expect(
                try await stop("t", site: "base.sz.nanshan.marine", from: "2030-05-01T17:00:00Z", to: "2030-05-01T18:00:00Z", token: tokens.city)
                    == .created)
            #expect(
                try await stop("t", site: "base.sz.nanshan.marine", from: "2030-06-01T17:00:00Z", to: "2030-06-01T18:00:00Z", token: tokens.futian)
                    == .forbidden)
            let schedule = try await http.json(.get, "/kits/kit.space/schedule")
            #expect((schedule.json["stops"] as? [Any])?.count == 3)

            // Where the city has said how far two districts are, that time counts: Futian to Nanshan in 30 minutes.
            let travel = #"{"from":"sz.futian","to":"sz.nanshan","minutes":30}"#
            #expect(try await http.json(.put, "/admin/district-travel", bearer: tokens.futian, body: travel).status == .forbidden)
            #expect(try await http.json(.put, "/admin/district-travel", bearer: tokens.city, body: travel).status == .ok)
            #expect(
                try await http.json(
                    .put, "/admin/district-travel", bearer: tokens.city, body: #"{"from":"sz.futian.shatou","to":"sz.nanshan","minutes":5}"#
                )
                .status == .unprocessableContent, "a street is not a district")
            #expect((try await http.json(.get, "/district-travel").json["travel"] as? [Any])?.count == 2, "both ways")
            #expect(
                try await http.json(
                    .put, "/admin/kits/kit.water", bearer: tokens.city, body: #"{"name":"水展","setupMinutes":60,"teardownMinutes":60}"#
                ).status == .ok)
            func water(site: String, from: String, to: String) async throws -> HTTPResponse.Status {
                let body = #"{"kitId":"kit.water","siteId":"\#(site)","title":"水的奥秘","theme":"ecology","startsAt":"\#(from)","endsAt":"\#(to)"}"#
                return try await http.json(.post, "/admin/tours/w/stops", bearer: tokens.city, body: body).status
            }
            #expect(try await water(site: "station.sz.futian.shatou.c01", from: "2030-07-01T02:00:00Z", to: "2030-07-01T08:00:00Z") == .created)
            // 08:00 + tear-down 1 h + travel 0.5 h + set-up 1 h = 10:30.
            #expect(try await water(site: "base.sz.nanshan.marine", from: "2030-07-01T10:15:00Z", to: "2030-07-01T12:00:00Z") == .conflict)
            #expect(try await water(site: "base.sz.nanshan.marine", from: "2030-07-01T10:30:00Z", to: "2030-07-01T12:00:00Z") == .created)
            // A stop's event moved: its hold moves with it, and may not move onto another.
            let stops = try await client.query("SELECT event_id FROM tour_stop WHERE tour_id = 'w' ORDER BY lower(occupied)").collect().map {
                try $0.decode(String.self)
            }
            let later = try #require(stops.last)
            let earlier = #"{"action":"change","startsAt":"2030-07-01T09:00:00Z","endsAt":"2030-07-01T12:00:00Z"}"#
            #expect(try await http.json(.post, "/admin/events/\(later)/steps", bearer: tokens.city, body: earlier).status == .conflict)
            let afternoon = #"{"action":"change","startsAt":"2030-07-01T14:00:00Z","endsAt":"2030-07-01T16:00:00Z"}"#
            #expect(try await http.json(.post, "/admin/events/\(later)/steps", bearer: tokens.city, body: afternoon).status == .ok)
            let held = try await client.query("SELECT lower(occupied) FROM tour_stop WHERE event_id = \(later)").collect().first?.decode(Date.self)
            #expect(held == ISO8601DateFormatter().date(from: "2030-07-01T12:30:00Z"), "set-up and travel before 14:00")

            // The constraint itself refuses an overlapping hold, whoever writes it (SQLSTATE 23P01).
            try await client.query(
                """
                INSERT INTO activity_event (id, status, title, site_id, theme, format, starts_at, ends_at)
                VALUES ('raw', 'draft', 'x', 'center.sz.futian', 'health', 'exhibition', '2030-05-01T03:00:00Z', '2030-05-01T04:00:00Z')
                """)
            do {
                try await client.query(
                    """
                    INSERT INTO tour_stop (event_id, tour_id, kit_id, district_id, travel_minutes, occupied)
                    VALUES ('raw', 'raw', 'kit.space', 'sz.futian', 0, tstzrange('2030-05-01T03:00:00Z', '2030-05-01T04:00:00Z'))
                    """)
                Issue.record("an overlapping hold was stored")
            } catch let error as PSQLError {
                #expect(error.serverInfo?[.sqlState] == "23P01")
            }
        }
    }

    @Test("campaigns: the national ones pre-filled, events tagged and listed, the calendar kept by the city")
    func campaigns() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            let tokens = try await Tokens()
            try await Self.setUp(http, tokens)
            let calendar = try await http.json(.get, "/campaigns?year=2026")
            let ids = (calendar.json["campaigns"] as? [[String: Any]] ?? []).compactMap { $0["campaignId"] as? String }
            #expect(ids == ["tech-week-2026", "science-day-2026"])
            func event(_ id: String, campaigns: String) -> String {
                #"{"eventId":"\#(id)","title":"科普日活动","siteId":"center.sz.futian","theme":"rumour_debunking","format":"lecture","campaigns":\#(campaigns),"startsAt":"2026-09-15T06:00:00Z","endsAt":"2026-09-15T08:00:00Z"}"#
            }
            #expect(
                try await http.json(.post, "/admin/events", bearer: tokens.center, body: event("ev.sd", campaigns: #"["science-day-2026"]"#)).status
                    == .created)
            #expect(
                try await http.json(.post, "/admin/events", bearer: tokens.center, body: event("ev.x", campaigns: #"["moon-festival"]"#)).status
                    == .unprocessableContent)
            #expect(try await http.json(.post, "/admin/events", bearer: tokens.nanshan, body: event("ev.n", campaigns: "[]")).status == .forbidden)
            #expect(try await http.json(.post, "/admin/events", bearer: tokens.center, body: event("ev.sd", campaigns: "[]")).status == .conflict)
            func listed() async throws -> [String] {
                let page = try await http.json(.get, "/campaigns/science-day-2026/events")
                return (page.json["events"] as? [[String: Any]] ?? []).compactMap { $0["eventId"] as? String }
            }
            #expect(try await listed() == [], "a draft is not listed")
            #expect(try await http.json(.post, "/admin/events/ev.sd/steps", bearer: tokens.center, body: Self.step("publish")).status == .ok)
            #expect(try await listed() == ["ev.sd"])
            // Bulk publication: every known event must be the caller's, or none is published.
            for id in ["ev.b1", "ev.b2"] {
                #expect(try await http.json(.post, "/admin/events", bearer: tokens.center, body: event(id, campaigns: "[]")).status == .created)
            }
            let nanshanEvent = event("ev.ns", campaigns: "[]").replacingOccurrences(of: "center.sz.futian", with: "base.sz.nanshan.marine")
            #expect(try await http.json(.post, "/admin/events", bearer: tokens.nanshan, body: nanshanEvent).status == .created)
            let all = #"{"eventIds":["ev.b1","ev.b2","ev.ns","ev.unknown"]}"#
            #expect(try await http.json(.post, "/admin/events/publish", bearer: tokens.futian, body: all).status == .forbidden)
            #expect(try await http.json(.get, "/events/ev.b1").json["event"].map { ($0 as? [String: Any])?["status"] as? String } == "draft")
            let mine = try await http.json(.post, "/admin/events/publish", bearer: tokens.city, body: all)
            #expect(
                Set(mine.json["published"] as? [String] ?? []) == ["ev.b1", "ev.b2", "ev.ns"] && mine.json["unchanged"] as? [String] == ["ev.unknown"]
            )
            let again = try await http.json(.post, "/admin/events/publish", bearer: tokens.futian, body: #"{"eventIds":["ev.b1"]}"#)
            #expect(again.json["published"] as? [String] == [] && again.json["unchanged"] as? [String] == ["ev.b1"], "published once")
            #expect(try await http.json(.post, "/admin/events/publish", bearer: tokens.city, body: #"{"eventIds":[]}"#).status == .badRequest)

            let moved = #"{"name":"全国科技活动周 2026","from":"2026-05-17","until":"2026-05-23","themes":["youth_science"]}"#
            #expect(try await http.json(.put, "/admin/campaigns/tech-week-2026", bearer: tokens.futian, body: moved).status == .forbidden)
            #expect(try await http.json(.put, "/admin/campaigns/tech-week-2026", bearer: tokens.city, body: moved).status == .ok)
            #expect(try await OrganisationTests.outbox(client, type: ActivityEventType.campaignRecorded).count == 1)
            let cancelled = try await http.json(
                .post, "/admin/events/ev.sd/steps", bearer: tokens.center, body: Self.step("cancel", #""reason":"台风""#))
            #expect((cancelled.json["event"] as? [String: Any])?["cancellationReason"] as? String == "台风")
            #expect(try await http.json(.post, "/admin/events/ev.sd/steps", bearer: tokens.center, body: Self.step("publish")).status == .conflict)
        }
    }

    @Test("bad input on every new endpoint is refused with a reason and stores nothing")
    func badInput() async throws {
        try await RouteTesting.withRoutes(of: RegistryImportTests.definition) { http, client in
            let tokens = try await Tokens()
            try await Self.setUp(http, tokens)
            let long = String(repeating: "长", count: 100)
            let cases: [(HTTPRequest.Method, String, String?, HTTPResponse.Status)] = [
                (.put, "/admin/providers/p1", #"{"kind":"wizard","name":"x","districts":["sz.futian"]}"#, .badRequest),
                (.put, "/admin/providers/p1", #"{"kind":"lecturer","name":"x","districts":[]}"#, .badRequest),
                (.put, "/admin/providers/p1", #"{"kind":"lecturer","name":"x","districts":["sz.futian"],"extra":1}"#, .badRequest),
                (.put, "/admin/providers/p1", #"{"kind":"lecturer","name":"\#(long)\#(long)","districts":["sz.futian"]}"#, .badRequest),
                (.put, "/admin/providers/p1", #"{"kind":"lecturer","name":"x","districts":["sz.nowhere"]}"#, .unprocessableContent),
                (
                    .put, "/admin/programmes/p1", Self.programme.replacingOccurrences(of: #""capacityMax":80"#, with: #""capacityMax":10"#),
                    .badRequest
                ),
                (
                    .put, "/admin/programmes/p1", Self.programme.replacingOccurrences(of: #""durationMinutes":90"#, with: #""durationMinutes":-1"#),
                    .badRequest
                ),
                (.put, "/admin/programmes/p1", Self.programme.replacingOccurrences(of: "健康", with: "健\\u0000康"), .badRequest),
                (.put, "/admin/themes/Bad-Code", #"{"name":"x"}"#, .badRequest),
                (.post, "/admin/orders", Self.order("o/1"), .badRequest),
                (.post, "/admin/orders", Self.order("o-1").replacingOccurrences(of: "2030-03-31", with: "2030-02-30"), .badRequest),
                (.post, "/admin/orders", Self.order("o-1").replacingOccurrences(of: "2030-03-31", with: "2030-02-01"), .badRequest),
                (.post, "/admin/orders", Self.order("o-1").replacingOccurrences(of: "40", with: "0"), .badRequest),
                (.post, "/admin/orders", Self.order("o-1").replacingOccurrences(of: "prog.health", with: "prog.none"), .unprocessableContent),
                (
                    .post, "/admin/orders",
                    #"{"orderId":"o-1","orderId":"o-2","siteId":"center.sz.futian","programmeId":"prog.health","from":"2030-03-01","until":"2030-03-31","expectedAudience":40}"#,
                    .badRequest
                ),
                (.post, "/admin/orders/nope/steps", Self.step("publish"), .notFound),
                (.post, "/admin/orders/nope/steps", Self.step("teleport"), .badRequest),
                (
                    .post, "/admin/events",
                    #"{"title":"x","siteId":"center.sz.futian","theme":"health","format":"lecture","startsAt":"2030-01-01T02:00:00Z","endsAt":"2030-01-01T01:00:00Z"}"#,
                    .badRequest
                ),
                (
                    .post, "/admin/events",
                    #"{"title":"x","siteId":"center.sz.futian","theme":"health","format":"lecture","startsAt":"2030-01-01T01:00:00Z","endsAt":"2030-01-01T02:00:00Z","seats":{"capacity":0}}"#,
                    .badRequest
                ),
                (
                    .post, "/admin/events",
                    #"{"title":"x","siteId":"center.sz.futian","theme":"health","format":"lecture","startsAt":"2030-01-01T01:00:00Z","endsAt":"2030-01-01T02:00:00Z","costFen":99999999999999}"#,
                    .badRequest
                ),
                (
                    .post, "/admin/events",
                    #"{"title":"x","siteId":"center.sz.futian","theme":"health","format":"lecture","startsAt":"9999-01-01T01:00:00Z","endsAt":"9999-01-01T02:00:00Z"}"#,
                    .badRequest
                ),
                (.post, "/admin/events/nope/steps", Self.step("hold"), .badRequest),
                (.post, "/admin/events/nope/steps", Self.step("change", #""startsAt":"9999-01-01T00:00:00Z""#), .badRequest),
                (
                    .post, "/admin/events/nope/steps", Self.step("change", #""seats":{"capacity":5,"bookingOpensAt":"1900-01-01T00:00:00Z"}"#),
                    .badRequest
                ),
                (.put, "/admin/kits/k1", #"{"name":"x","setupMinutes":100000,"teardownMinutes":0}"#, .badRequest),
                (
                    .post, "/admin/tours/t/stops",
                    #"{"kitId":"none","siteId":"center.sz.futian","title":"x","theme":"health","startsAt":"2030-01-01T01:00:00Z","endsAt":"2030-03-01T02:00:00Z"}"#,
                    .badRequest
                ),
                (
                    .post, "/admin/tours/t/stops",
                    #"{"kitId":"none","siteId":"center.sz.futian","title":"x","theme":"health","startsAt":"2030-01-01T01:00:00Z","endsAt":"2030-01-01T02:00:00Z"}"#,
                    .conflict
                ),
                (.put, "/admin/campaigns/c1", #"{"name":"x","from":"2030-02-01","until":"2030-01-01","themes":[]}"#, .badRequest),
                (.get, "/campaigns?year=99999", nil, .badRequest),
                (.get, "/programmes?q=\(String(repeating: "a", count: 300))", nil, .badRequest),
                (.get, "/events?campaign=\(String(repeating: "a", count: 200))", nil, .badRequest),
            ]
            for (method, path, body, expected) in cases {
                let answer = try await http.json(method, path, bearer: tokens.city, body: body)
                #expect(answer.status == expected, "\(method) \(path) \(body ?? ""): \(answer.json)")
                if answer.status.code >= 400 {
                    #expect(
                        !((answer.json["error"] as? String) ?? (answer.json["reason"] as? String) ?? "").isEmpty || answer.status == .notFound,
                        "\(path) says why")
                }
            }
            let stored = try await client.query(
                "SELECT (SELECT count(*) FROM activity_order)::int + (SELECT count(*) FROM activity_event)::int + (SELECT count(*) FROM provider WHERE id = 'p1')::int"
            ).collect().first?.decode(Int.self)
            #expect(stored == 0)
        }
    }
}
