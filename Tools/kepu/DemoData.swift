import Foundation
import KepuContracts
import KepuRuntime
import KepuTooling

/// Demo reference data: the Shenzhen registry (`infra/data/shenzhen-registry.csv`) imported into outreach-events,
/// and two weeks of sessions at a few of its sites, created through the services' admin APIs (so it is exactly what
/// an operator would do). Booking learns the venues from the registry; without outreach-events (booking alone),
/// the same venues are created through booking's `POST /admin/venues`. Safe to run again.
enum DemoData {
    struct Venue {
        let id: String
        let kind: String
        let name: String
        let unitPath: [String]
        let capacity: Int
    }

    /// Sites of the registry file, as booking sees them (the same ids, names and unit paths).
    static let venues = [
        Venue(
            id: "museum.sz.science-museum", kind: "museum", name: "深圳市科学馆", unitPath: ["sz", "sz.futian", "sz.futian.yuanling"], capacity: 120),
        Venue(
            id: "base.sz.nanshan.marine", kind: "science_base", name: "海洋科普基地（生成）", unitPath: ["sz", "sz.nanshan", "sz.nanshan.shekou"],
            capacity: 40),
        Venue(
            id: "base.sz.futian.meteorology", kind: "science_base", name: "气象科普基地（生成）", unitPath: ["sz", "sz.futian", "sz.futian.lianhua"],
            capacity: 30),
        Venue(
            id: "demo.sz.nanshan.yuehai", kind: "demonstration_site", name: "粤海科普示范点（生成）", unitPath: ["sz", "sz.nanshan", "sz.nanshan.yuehai"],
            capacity: 25),
        Venue(
            id: "institute.sz.longgang.buji", kind: "practice_site", name: "布吉街道新时代文明实践所", unitPath: ["sz", "sz.longgang", "sz.longgang.buji"],
            capacity: 30),
        Venue(
            id: "station.sz.futian.lianhua.c01", kind: "practice_site", name: "莲花第一社区（生成）新时代文明实践站",
            unitPath: ["sz", "sz.futian", "sz.futian.lianhua", "sz.futian.lianhua.c01"], capacity: 20),
    ]

    /// The registry file: `path` if given, else `infra/data/shenzhen-registry.csv` under the current directory or
    /// the checkout the executable was built in.
    static func registryFile(_ path: String?) -> URL? {
        if let path { return URL(fileURLWithPath: path) }
        let relative = "infra/data/shenzhen-registry.csv"
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(relative),
            // .build/<configuration>/kepu (or .build/<triple>/<configuration>/kepu) in the checkout.
            executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(relative),
            executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(relative),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Imports the registry file into outreach-events; returns false (and says why) when it could not.
    static func seedRegistry(outreachPort: Int, adminToken: String, file: URL?, log: (String) -> Void) async -> Bool {
        guard let file, let text = try? String(contentsOf: file, encoding: .utf8) else {
            log("registry not seeded: no registry file (infra/data/shenzhen-registry.csv; --registry names another)")
            return false
        }
        let headers = ["Authorization": "Bearer \(adminToken)", "Content-Type": "text/csv"]
        guard let answer = await httpRequest(port: outreachPort, method: "POST", path: "/admin/network/import", headers: headers, body: text) else {
            log("registry not seeded: outreach-events does not answer on port \(outreachPort)")
            return false
        }
        guard answer.status == 200 else {
            log("registry not seeded: outreach-events answered \(answer.status): \(answer.body.prefix(500))")
            return false
        }
        log("registry: \(file.lastPathComponent) imported into outreach-events (\(text.split(separator: "\n").count - 1) rows)")
        return true
    }

    /// The museum opens a dedicated session (专场) of 120 for a day once 60 people in groups ask for it; pooling ends
    /// 3 days before.
    static let dedicatedSessions: [String: any Sendable] = [
        "threshold": 60, "capacity": 120, "cutoffDays": 3, "startTime": "10:00", "groupMin": 5, "groupMax": 40,
    ]
    static var museum: String { venues.first { $0.kind == "museum" }?.id ?? "museum.sz.science-museum" }

    /// Creates the venues (from the registry when `fromRegistry`, else through booking) and sessions for the next 14
    /// days at 09:30 and 14:30; returns the session ids.
    static func seed(bookingPort: Int, adminToken: String, fromRegistry: Bool = false, log: (String) -> Void) async throws -> [String] {
        let headers = ["Authorization": "Bearer \(adminToken)", "Content-Type": "application/json"]
        var sessions: [String] = []
        let calendar = { () -> Calendar in
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
            return calendar
        }()
        let today = calendar.startOfDay(for: Date())
        if fromRegistry {
            // Booking learns the sites from kepu.network.units.v1 within moments of the import.
            let deadline = ContinuousClock.now + .seconds(60)
            for venue in venues {
                while await httpRequest(port: bookingPort, method: "GET", path: "/admin/venues/\(venue.id)", headers: headers)?.status != 200 {
                    guard ContinuousClock.now < deadline else { throw DevError("booking has not learned venue \(venue.id) from the registry") }
                    try await Task.sleep(for: .milliseconds(250))
                }
            }
            log("booking: the demo venues arrived from the registry")
        }
        for venue in venues where !fromRegistry || venue.kind == "museum" {
            // Booking's own settings (the museum's dedicated sessions) stay in booking's admin API.
            var fields: [String: Any] = ["id": venue.id, "kind": venue.kind, "name": venue.name, "unitPath": venue.unitPath]
            if venue.kind == "museum" { fields["dedicatedSessions"] = dedicatedSessions }
            let body = try JSONSerialization.data(withJSONObject: fields)
            guard
                let answer = await httpRequest(
                    port: bookingPort, method: "POST", path: "/admin/venues", headers: headers, body: String(decoding: body, as: UTF8.self)),
                answer.status == 200
            else { throw DevError("could not create venue \(venue.id): is booking running on port \(bookingPort), with this admin token?") }
        }
        for venue in venues {
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
