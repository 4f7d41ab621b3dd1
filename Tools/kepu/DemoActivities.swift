import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuTooling

/// Demo data for the activity menu, through outreach-events' admin API as staff would enter it: providers and
/// programmes, an order taken from 点单 to 接单 with its event published with seats (so booking opens a session),
/// campaign events published in bulk, and an event held yesterday that residents rate. Safe to run again (a step
/// already taken answers 409 and is skipped).
enum DemoActivities {
    static let heldEvent = "demo.ev.held"
    static let programmes = ["prog.demo.health", "prog.demo.marine", "prog.demo.rumours"]
    static let orderingSites = ["station.sz.futian.lianhua.c01", "institute.sz.longgang.buji"]

    /// Seeds the menu and its events; false (and says why) when outreach-events does not take them.
    static func seed(outreachPort: Int, adminToken: String, log: (String) -> Void) async -> Bool {
        let headers = ["Authorization": "Bearer \(adminToken)", "Content-Type": "application/json"]
        func call(_ method: String, _ path: String, _ body: String) async -> (status: Int, body: String)? {
            await httpRequest(port: outreachPort, method: method, path: path, headers: headers, body: body)
        }
        let providers = [
            ("lecturer.demo.zhang", #"{"kind":"lecturer","name":"张教授（演示）","districts":["sz.futian","sz.longgang"]}"#),
            (
                "base.demo.marine",
                #"{"kind":"science_base","name":"海洋科普基地（演示）","siteId":"base.sz.nanshan.marine","districts":["sz.nanshan","sz.futian"]}"#
            ),
        ]
        for (id, body) in providers {
            guard let answer = await call("PUT", "/admin/providers/\(id)", body), answer.status == 200 else {
                log("activities not seeded: outreach-events refused provider \(id)")
                return false
            }
        }
        let menu = [
            (
                "prog.demo.health", "食品安全与健康讲座", "health", "lecture", #"["adults","seniors"]"#, "lecturer.demo.zhang",
                #"["sz.futian","sz.longgang"]"#
            ),
            ("prog.demo.marine", "走进海洋科普基地", "ecology", "visit", #"["children","teens"]"#, "base.demo.marine", #"["sz.nanshan","sz.futian"]"#),
            (
                "prog.demo.rumours", "科学辟谣：朋友圈里的健康谣言", "rumour_debunking", "lecture", #"["adults","seniors"]"#, "lecturer.demo.zhang",
                #"["sz.futian","sz.longgang"]"#
            ),
        ]
        for (id, title, theme, format, audiences, provider, districts) in menu {
            let body =
                #"{"title":"\#(title)","description":"专家授课 + 互动体验","theme":"\#(theme)","format":"\#(format)","audiences":\#(audiences),"durationMinutes":90,"capacityMin":20,"capacityMax":80,"providerId":"\#(provider)","districts":\#(districts)}"#
            guard await call("PUT", "/admin/programmes/\(id)", body)?.status == 200 else {
                log("activities not seeded: outreach-events refused programme \(id)")
                return false
            }
        }
        log("menu: 2 providers, 3 programmes")

        // An order from the Lianhua station: placed, dispatched, accepted three days ahead, its event published.
        let start = startOfDay(Date().addingTimeInterval(3 * 86_400)).addingTimeInterval(19 * 3600)
        _ = await call(
            "POST", "/admin/orders",
            #"{"orderId":"demo.order.1","siteId":"station.sz.futian.lianhua.c01","programmeId":"prog.demo.health","from":"\#(ShanghaiCalendar.day(start))","until":"\#(ShanghaiCalendar.day(start.addingTimeInterval(14 * 86_400)))","expectedAudience":40}"#
        )
        _ = await call("POST", "/admin/orders/demo.order.1/steps", #"{"action":"dispatch","providerId":"lecturer.demo.zhang"}"#)
        _ = await call(
            "POST", "/admin/orders/demo.order.1/steps",
            #"{"action":"accept","startsAt":"\#(RFC3339.format(start))","endsAt":"\#(RFC3339.format(start.addingTimeInterval(5400)))"}"#)
        if let order = await call("GET", "/admin/orders/demo.order.1", ""),
            let event = (try? JSONSerialization.jsonObject(with: Data(order.body.utf8)) as? [String: Any])?["eventId"] as? String
        {
            _ = await call("POST", "/admin/events/\(event)/steps", #"{"action":"publish","seats":{"capacity":40}}"#)
            log("order demo.order.1: accepted by lecturer.demo.zhang, event \(event) published with 40 seats")
        }

        // Campaign events at the Buji institute over the next days, each needing two volunteers, published together;
        // one held yesterday.
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        var campaignEvents: [String] = []
        for day in 1...3 {
            let id = "demo.ev.campaign.\(day)"
            campaignEvents.append("\"\(id)\"")
            let begins = startOfDay(Date().addingTimeInterval(Double(day) * 86_400)).addingTimeInterval(10 * 3600)
            _ = await call("POST", "/admin/events", event(id, "科学辟谣进社区 \(day)", begins, campaigns: #"["science-day-\#(year)"]"#))
        }
        _ = await call("POST", "/admin/events/publish", #"{"eventIds":[\#(campaignEvents.joined(separator: ","))]}"#)
        let yesterday = startOfDay(Date().addingTimeInterval(-86_400)).addingTimeInterval(15 * 3600)
        _ = await call("POST", "/admin/events", event(heldEvent, "家庭急救体验课", yesterday, campaigns: "[]"))
        _ = await call("POST", "/admin/events/\(heldEvent)/steps", #"{"action":"publish"}"#)
        _ = await call("POST", "/admin/events/\(heldEvent)/steps", #"{"action":"hold","walkIns":12,"durationMinutes":100}"#)
        log("events: 3 campaign events published in bulk, \(heldEvent) held yesterday (residents rate it)")
        return true
    }

    private static func startOfDay(_ date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ShanghaiCalendar.timeZone
        return calendar.startOfDay(for: date)
    }

    private static func event(_ id: String, _ title: String, _ start: Date, campaigns: String) -> String {
        #"{"eventId":"\#(id)","title":"\#(title)","siteId":"institute.sz.longgang.buji","theme":"rumour_debunking","format":"lecture","campaigns":\#(campaigns),"startsAt":"\#(RFC3339.format(start))","endsAt":"\#(RFC3339.format(start.addingTimeInterval(5400)))","seats":{"capacity":50},"costFen":80000,"volunteerNeeds":{"count":2,"skills":["rumour_debunking","lecture"],"from":"\#(RFC3339.format(start))","until":"\#(RFC3339.format(start.addingTimeInterval(5400)))"}}"#
    }

    /// A site's order or a resident's rating, as the sites' and residents' frontends send them.
    static func request(using generator: inout SystemRandomNumberGenerator) -> KafkaProducerMessage {
        let requestId = "demo-\(UUID().uuidString.lowercased())"
        if Bool.random(using: &generator) {
            let resident = "demo-r-\(Int.random(in: 1...5000, using: &generator))"
            let payload =
                #"{"requestId":"\#(requestId)","eventId":"\#(heldEvent)","residentId":"\#(resident)","score":\#(Int.random(in: 3...5, using: &generator))}"#
            return CloudEvent(source: "/frontend/kepu-demo", type: OutreachRequestType.ratingSubmitted, data: Array(payload.utf8))
                .kafkaMessage(topic: Topics.outreachRequests.name, key: heldEvent)
        }
        let orderId = "demo.o.\(UUID().uuidString.prefix(8).lowercased())"
        let from = ShanghaiCalendar.day(Date().addingTimeInterval(7 * 86_400))
        let until = ShanghaiCalendar.day(Date().addingTimeInterval(37 * 86_400))
        let payload =
            #"{"requestId":"\#(requestId)","orderId":"\#(orderId)","siteId":"\#(orderingSites.randomElement(using: &generator) ?? "")","programmeId":"\#(programmes.randomElement(using: &generator) ?? "")","from":"\#(from)","until":"\#(until)","expectedAudience":\#(Int.random(in: 20...60, using: &generator))}"#
        return CloudEvent(source: "/frontend/kepu-demo", type: OutreachRequestType.orderRequested, data: Array(payload.utf8))
            .kafkaMessage(topic: Topics.outreachRequests.name, key: orderId)
    }
}
