import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuTooling

/// Demo data for content-supply: three books and four online works on the catalogue, two information officers, and a
/// donation that flows through — recorded and planned over Futian's sites, approved, shipped, and received by the
/// site with the largest share, one copy damaged. `request` is what the 科普中国 app sends: views, completions and
/// shares of the works at Futian's sites, some views through the officers' share links. Safe to run again (the
/// lot is recorded once; a later run finds it past planning and leaves it).
enum DemoContent {
    static let lot = "lot.demo.futian.1"
    static let center = "center.sz.futian"
    static let sites = [center, "station.sz.futian.yuanling.c01", "station.sz.futian.yuanling.c02", "station.sz.futian.yuanling.c03"]
    static let officers = [("officer.demo.1", "station.sz.futian.yuanling.c01"), ("officer.demo.2", center)]
    static let works = ["kpzg.demo.health", "kpzg.demo.rumour", "kpzg.demo.space", "kpzg.demo.ecology"]
    static let books = [
        ("9787535732217", "时间简史", "popular_science"), ("9787536692930", "三体", "science_fiction"), ("9787030384546", "物理学导论", "science"),
    ]

    /// Seeds the catalogue, officers and the donation; false (and says why) when content-supply does not take it
    /// (it follows the registry, so it may need a few seconds after the import).
    static func seed(contentPort: Int, adminToken: String, producer: KafkaProducer, log: (String) -> Void) async -> Bool {
        let headers = ["Authorization": "Bearer \(adminToken)", "Content-Type": "application/json"]
        func call(_ method: String, _ path: String, _ body: String = "") async -> (status: Int, body: String)? {
            await httpRequest(port: contentPort, method: method, path: path, headers: headers, body: body)
        }
        guard await httpRequest(port: contentPort, method: "GET", path: "/health/ready", headers: [:], body: "")?.status == 200 else {
            log("content not seeded: content-supply does not answer on port \(contentPort)")
            return false
        }
        for (isbn, title, category) in books {
            let body =
                #"{"title":"\#(title)","authors":["演示作者"],"category":"\#(category)","ageBand":"teens","publisher":"演示出版社"}"#
            guard await call("PUT", "/admin/books/\(isbn)", body)?.status == 200 else {
                log("content not seeded: content-supply refused book \(isbn)")
                return false
            }
        }
        for (index, work) in works.enumerated() {
            let theme = ["health", "rumour_debunking", "space", "ecology"][index]
            let body = #"{"title":"演示作品\#(index + 1)","type":"video","theme":"\#(theme)","url":"https://www.kepuchina.cn/works/\#(work)"}"#
            guard await call("PUT", "/admin/works/\(work)", body)?.status == 200 else {
                log("content not seeded: content-supply refused work \(work)")
                return false
            }
        }
        for (officer, site) in officers {
            let json = #"{"requestId":"demo-\#(officer)","officerId":"\#(officer)","siteId":"\#(site)","name":"演示信息员","phone":"13700000000"}"#
            _ = try? await producer.send(
                CloudEvent(source: "/frontend/kepu-demo", type: ContentRequestType.officerRegistered, data: Array(json.utf8))
                    .kafkaMessage(topic: Topics.contentRequests.name, key: site))
        }
        // The donation: recorded once content-supply has Futian's sites from the registry.
        let donation =
            #"{"districtId":"sz.futian","donor":"演示出版社","titles":[{"isbn":"9787535732217","copies":600},{"isbn":"9787536692930","copies":400}],"minimumPerSite":2}"#
        var recorded: Int?
        for _ in 0..<60 {
            recorded = await call("PUT", "/admin/lots/\(lot)", donation)?.status
            if recorded == 200 || recorded == 409 { break }
            try? await Task.sleep(for: .milliseconds(500))
        }
        guard recorded == 200 || recorded == 409 else {
            log(
                "content not seeded: content-supply did not take the donation (\(recorded.map(String.init) ?? "no answer"); does it follow the registry?)"
            )
            return false
        }
        if recorded == 200 {
            _ = await call("POST", "/admin/lots/\(lot)/approve")
            _ = await call("POST", "/admin/lots/\(lot)/ship")
            // The site with the largest share reports its parcel: every copy arrived, one of the first title damaged.
            if let body = await call("GET", "/admin/lots/\(lot)")?.body, let (site, shares) = largestShare(body) {
                let titles = shares.map {
                    #"{"isbn":"\#($0.isbn)","received":\#($0.copies),"damaged":\#($0.isbn == books[0].0 && $0.copies > 1 ? 1 : 0)}"#
                }
                _ = await call("POST", "/admin/lots/\(lot)/receipts", #"{"siteId":"\#(site)","titles":[\#(titles.joined(separator: ","))]}"#)
            }
        }
        let status = await call("GET", "/admin/lots/\(lot)")?.body ?? ""
        log(
            "content: \(books.count) books, \(works.count) works, \(officers.count) officers; donation \(lot) \(status.contains(#""status":"shipped""#) ? "shipped and received at its largest share's site" : "recorded")"
        )
        return true
    }

    /// The site given most copies of the first title, and its share of each title, from a lot's JSON.
    static func largestShare(_ body: String) -> (site: String, shares: [(isbn: String, copies: Int)])? {
        guard let json = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any],
            let allocations = json["allocations"] as? [[String: Any]]
        else { return nil }
        let rows = allocations.compactMap { row -> (site: String, isbn: String, copies: Int)? in
            guard let site = row["siteId"] as? String, let isbn = row["isbn"] as? String, let copies = row["copies"] as? Int else { return nil }
            return (site, isbn, copies)
        }
        guard let site = rows.filter({ $0.isbn == books[0].0 }).max(by: { ($0.copies, $1.site) < ($1.copies, $0.site) })?.site else { return nil }
        return (site, rows.filter { $0.site == site }.map { ($0.isbn, $0.copies) })
    }

    /// One engagement event: 70 % views (a fifth through an officer's share link), 20 % completions, 10 % shares,
    /// by one of 2,000 visitors (their hashes as the app would salt and hash them).
    static func request(using generator: inout SystemRandomNumberGenerator) -> KafkaProducerMessage {
        let visitor = ClaimToken.hash("demo-visitor-\(Int.random(in: 1...2_000, using: &generator))")
        let roll = Int.random(in: 0..<10, using: &generator)
        let action = roll < 7 ? "view" : (roll < 9 ? "completion" : "share")
        let officer = action == "view" && Int.random(in: 0..<5, using: &generator) == 0 ? officers.randomElement(using: &generator)?.0 : nil
        let officerField = officer.map { #","officerId":"\#($0)""# } ?? ""
        let work = works.randomElement(using: &generator) ?? works[0]
        let site = sites.randomElement(using: &generator) ?? center
        let json =
            #"{"workId":"\#(work)","siteId":"\#(site)","visitorHash":"\#(visitor)","action":"\#(action)"\#(officerField),"occurredAt":"\#(RFC3339.format(Date()))"}"#
        return CloudEvent(source: "/frontend/kepu-demo", type: ContentEngagementType.workEngaged, data: Array(json.utf8))
            .kafkaMessage(topic: Topics.contentEngagement.name, key: visitor)
    }
}
