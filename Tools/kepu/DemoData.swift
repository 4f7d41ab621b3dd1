import Foundation
import KepuContracts
import KepuRuntime
import KepuTooling

/// Demo reference data for booking: a few venues of every kind in Futian and Nanshan, and two weeks of sessions,
/// created through booking's admin API (so it is exactly what an operator would do). Safe to run again.
enum DemoData {
    struct Venue {
        let id: String
        let kind: String
        let name: String
        let unitPath: [String]
        let capacity: Int
    }

    static let venues = [
        Venue(id: "demo-city-science-museum", kind: "museum", name: "City Science Museum (市科学馆)", unitPath: ["sz", "sz.futian"], capacity: 120),
        Venue(
            id: "demo-base-marine", kind: "science_base", name: "Marine Science Base (海洋科普基地)", unitPath: ["sz", "sz.nanshan", "sz.nanshan.shekou"],
            capacity: 40),
        Venue(
            id: "demo-base-weather", kind: "science_base", name: "Meteorology Base (气象科普基地)", unitPath: ["sz", "sz.futian", "sz.futian.lianhua"],
            capacity: 30),
        Venue(
            id: "demo-site-robotics", kind: "demonstration_site", name: "Robotics Demonstration Site (机器人科普示范点)",
            unitPath: ["sz", "sz.nanshan", "sz.nanshan.yuehai"], capacity: 25),
        Venue(
            id: "demo-station-buji", kind: "practice_site", name: "Buji Street Station science corner (布吉街道实践站)",
            unitPath: ["sz", "sz.longgang", "sz.longgang.buji"], capacity: 30),
        Venue(
            id: "demo-station-lianhua", kind: "practice_site", name: "Lianhua Community Station lecture room (莲花社区实践站)",
            unitPath: ["sz", "sz.futian", "sz.futian.lianhua", "sz.futian.lianhua.c1"], capacity: 20),
    ]

    /// The museum opens a dedicated session (专场) of 120 for a day once 60 people in groups ask for it; pooling ends
    /// 3 days before.
    static let dedicatedSessions: [String: any Sendable] = [
        "threshold": 60, "capacity": 120, "cutoffDays": 3, "startTime": "10:00", "groupMin": 5, "groupMax": 40,
    ]
    static var museum: String { venues.first { $0.kind == "museum" }?.id ?? "demo-city-science-museum" }

    /// Creates the venues and sessions for the next 14 days at 09:30 and 14:30; returns the session ids.
    static func seed(bookingPort: Int, adminToken: String, log: (String) -> Void) async throws -> [String] {
        let headers = ["Authorization": "Bearer \(adminToken)", "Content-Type": "application/json"]
        var sessions: [String] = []
        let calendar = { () -> Calendar in
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
            return calendar
        }()
        let today = calendar.startOfDay(for: Date())
        for venue in venues {
            var fields: [String: Any] = ["id": venue.id, "kind": venue.kind, "name": venue.name, "unitPath": venue.unitPath]
            if venue.kind == "museum" { fields["dedicatedSessions"] = dedicatedSessions }
            let body = try JSONSerialization.data(withJSONObject: fields)
            guard
                let answer = await httpRequest(
                    port: bookingPort, method: "POST", path: "/admin/venues", headers: headers, body: String(decoding: body, as: UTF8.self)),
                answer.status == 200
            else { throw DevError("could not create venue \(venue.id): is booking running on port \(bookingPort), with this admin token?") }
            var created = 0
            for day in 1...14 {
                guard let date = calendar.date(byAdding: .day, value: day, to: today) else { continue }
                for (hour, minute) in [(9, 30), (14, 30)] {
                    guard let start = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: date) else { continue }
                    let id = "\(venue.id)-\(Int(start.timeIntervalSince1970))"
                    sessions.append(id)
                    if await httpGet(port: bookingPort, path: "/sessions/\(id)")?.status == 200 { continue }
                    let session: [String: Any] = [
                        "id": id, "venueId": venue.id, "title": venue.name, "startsAt": RFC3339.format(start),
                        "endsAt": RFC3339.format(start.addingTimeInterval(5400)), "capacity": venue.capacity,
                        "bookingOpensAt": RFC3339.format(Date().addingTimeInterval(-60)), "maxSeatsPerRequest": 4, "groupMin": 5,
                        "groupMax": min(40, venue.capacity), "waitlistCap": venue.capacity / 2,
                    ]
                    let sessionBody = String(decoding: try JSONSerialization.data(withJSONObject: session), as: UTF8.self)
                    if await httpRequest(port: bookingPort, method: "POST", path: "/admin/sessions", headers: headers, body: sessionBody)?.status
                        == 201
                    {
                        created += 1
                    }
                }
            }
            log("demo venue \(venue.id): \(created) new sessions")
        }
        return sessions
    }
}
