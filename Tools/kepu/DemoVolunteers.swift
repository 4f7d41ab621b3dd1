import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuTooling

/// Demo data for the tech volunteer corps: two branch teams, volunteers entered through volunteer's admin API as
/// team staff would (one of them the head of the Lianhua station), so the demo's campaign events (which need
/// volunteers) are offered to them; `requests` are what the volunteers' app sends: needs surveys and answers to the
/// offers. Safe to run again (a profile is replaced by the same).
enum DemoVolunteers {
    static let teams = [("team.demo.futian", "福田区科技志愿服务分队（演示）", "sz.futian"), ("team.demo.longgang", "龙岗区科技志愿服务分队（演示）", "sz.longgang")]
    static let siteHead = "vol.demo.head.lianhua"
    static let surveyUnits = ["sz.futian.lianhua.c01", "sz.futian.lianhua.c02", "sz.longgang.buji.c01"]
    static let themes = ["health", "rumour_debunking", "ecology", "digital_literacy", "emergency_safety"]

    /// Seeds the corps; false (and says why) when volunteer does not take it (it follows the registry, so it may
    /// need a few seconds after the import).
    static func seed(volunteerPort: Int, adminToken: String, log: (String) -> Void) async -> Bool {
        let headers = ["Authorization": "Bearer \(adminToken)", "Content-Type": "application/json"]
        func call(_ method: String, _ path: String, _ body: String) async -> (status: Int, body: String)? {
            await httpRequest(port: volunteerPort, method: method, path: path, headers: headers, body: body)
        }
        guard await httpRequest(port: volunteerPort, method: "GET", path: "/health/ready", headers: [:], body: "")?.status == 200 else {
            log("volunteers not seeded: volunteer does not answer on port \(volunteerPort)")
            return false
        }
        for (id, name, unit) in teams {
            var formed = false
            for _ in 0..<60 where !formed {
                formed = await call("PUT", "/admin/teams/\(id)", #"{"name":"\#(name)","unitId":"\#(unit)"}"#)?.status == 200
                if !formed { try? await Task.sleep(for: .milliseconds(500)) }
            }
            guard formed else {
                log("volunteers not seeded: volunteer did not take team \(id) (does it follow the registry?)")
                return false
            }
        }
        // Twelve volunteers: rumour debunking and health lecturers around Buji (the campaign events' institute) and
        // Lianhua, available every day from 08:00 to 22:00.
        let every = (1...7).map { #"{"weekday":\#($0),"from":"08:00","until":"22:00"}"# }.joined(separator: ",")
        for index in 1...12 {
            let longgang = index % 2 == 0
            let team = longgang ? "team.demo.longgang" : "team.demo.futian"
            let home = longgang ? "sz.longgang.buji.c01" : "sz.futian.lianhua.c0\(1 + index % 5)"
            let skills = index % 3 == 0 ? #"["health","lecture","first_aid_cover"]"# : #"["rumour_debunking","lecture","photography"]"#
            let body =
                #"{"claimTokenHash":"\#(ClaimToken.hash(claimToken("vol.demo.\(index)")))","residentId":"demo-resident-\#(index)","teamId":"\#(team)","role":"volunteer","name":"演示志愿者\#(index)","phone":"1390000\#(String(format: "%04d", index))","skills":\#(skills),"qualifications":[{"kind":"teaching","expiresOn":"2035-12-31"},{"kind":"first_aid","expiresOn":"2035-12-31"}],"homeUnitId":"\#(home)","serveUnitIds":["sz.futian","sz.longgang"],"availability":[\#(every)],"monthlyHoursCap":40}"#
            guard await call("PUT", "/admin/volunteers/vol.demo.\(index)", body)?.status == 200 else {
                log("volunteers not seeded: volunteer refused vol.demo.\(index)")
                return false
            }
        }
        let head =
            #"{"claimTokenHash":"\#(ClaimToken.hash(claimToken(siteHead)))","residentId":"demo-resident-head","teamId":"team.demo.futian","role":"site_head","siteId":"station.sz.futian.lianhua.c01","name":"莲花站长（演示）","skills":["general_science"],"homeUnitId":"sz.futian.lianhua.c01","availability":[],"monthlyHoursCap":20}"#
        guard await call("PUT", "/admin/volunteers/\(siteHead)", head)?.status == 200 else {
            log("volunteers not seeded: volunteer refused the site head")
            return false
        }
        log("volunteers: 2 teams, 12 volunteers and the Lianhua station's head (GET /site-heads on volunteer)")
        return true
    }

    /// A needs survey by the site head, or a volunteer's answer to an offer still open (accepting three in four).
    static func request(volunteerPort: Int, adminToken: String, using generator: inout SystemRandomNumberGenerator) async -> KafkaProducerMessage {
        if Bool.random(using: &generator), let (volunteer, offer) = await openOffer(volunteerPort: volunteerPort, adminToken: adminToken) {
            let payload =
                #"{"requestId":"demo-\#(UUID().uuidString.lowercased())","volunteerId":"\#(volunteer)","claimToken":"\#(claimToken(volunteer))","offerId":"\#(offer)","accept":\#(Int.random(in: 0..<4, using: &generator) > 0)}"#
            return CloudEvent(source: "/frontend/kepu-demo", type: VolunteerRequestType.offerAnswered, data: Array(payload.utf8))
                .kafkaMessage(topic: Topics.volunteerRequests.name, key: volunteer)
        }
        let payload =
            #"{"requestId":"demo-\#(UUID().uuidString.lowercased())","needId":"demo.need.\#(UUID().uuidString.prefix(8).lowercased())","volunteerId":"\#(siteHead)","claimToken":"\#(claimToken(siteHead))","unitId":"\#(surveyUnits.randomElement(using: &generator) ?? "")","theme":"\#(themes.randomElement(using: &generator) ?? "")","audience":"seniors","people":\#(Int.random(in: 10...80, using: &generator)),"preferredTimes":[{"weekday":6,"from":"09:00","until":"12:00"}]}"#
        return CloudEvent(source: "/frontend/kepu-demo", type: VolunteerRequestType.needSubmitted, data: Array(payload.utf8))
            .kafkaMessage(topic: Topics.volunteerRequests.name, key: siteHead)
    }

    /// The demo volunteers' claim tokens, as their apps would keep them (the demo's, so fixed).
    static func claimToken(_ volunteer: String) -> String { "demo-claim-\(volunteer)" }

    /// An offer still open at one of the demo's campaign events.
    private static func openOffer(volunteerPort: Int, adminToken: String) async -> (String, String)? {
        for day in 1...3 {
            guard
                let answer = await httpRequest(
                    port: volunteerPort, method: "GET", path: "/admin/events/demo.ev.campaign.\(day)/assignments",
                    headers: ["Authorization": "Bearer \(adminToken)"]),
                let list = (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) as? [String: Any],
                let offer = (list["assignments"] as? [[String: Any]])?.first(where: { $0["status"] as? String == "offered" }),
                let volunteer = offer["volunteerId"] as? String, let id = offer["assignmentId"] as? String
            else { continue }
            return (volunteer, id)
        }
        return nil
    }
}
