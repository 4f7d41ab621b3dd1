import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import KepuTooling
import Testing

/// The registry as the suite sees it, with the real executables (outreach-events, booking, metrics), PostgreSQL
/// and the embedded cluster: an imported base becomes bookable in booking and appears in metrics with its
/// population; a retired site refuses new sessions while its sessions stand; bad records on the topic are
/// dead-lettered by both followers, which go on.
@Suite("Booking and metrics follow the registry (real executables)", .serialized, .startsServiceProcesses)
struct RegistryFollowersTests {
    static let file = """
        type,id,parent,name,population,estimated,address,status,since,until,pilot_since
        city,sz,,深圳市,17560061,,,,,,
        district,sz.futian,sz,福田区,1553225,,,,,,2022-03-01
        street,sz.futian.shatou,sz.futian,沙头街道,155322,true,,,,,
        science_base,base.sz.futian.mangrove,sz.futian.shatou,"福田红树林生态公园, 科普基地",,,福田区沙头街道,,2022-01-01,,
        practice_point,point.sz.futian.idle,sz.futian.shatou,闲置实践点,,,,,2022-01-01,,
        center,center.sz.futian,sz.futian,福田区新时代文明实践中心,,,,,,,
        institute,institute.sz.futian.shatou,sz.futian.shatou,沙头街道新时代文明实践所,,,,,,,
        """

    static func csv(_ service: ServiceProcess, _ body: String) async -> (status: Int, body: String)? {
        await httpRequest(
            port: service.httpPort, method: "POST", path: "/admin/network/import",
            headers: ["Authorization": "Bearer \(ServiceProcess.adminToken)", "Content-Type": "text/csv"], body: body)
    }

    static func session(_ id: String, venue: String) -> String {
        #"{"id":"\#(id)","venueId":"\#(venue)","title":"红树林","startsAt":"2030-03-02T01:30:00Z","endsAt":"2030-03-02T03:30:00Z","capacity":30}"#
    }

    @Test("an imported base is bookable and counted per capita, a retired one refuses new sessions, bad records are dead-lettered")
    func followers() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let outreachDatabase = try await TestPostgres.freshDatabase()
        let bookingDatabase = try await TestPostgres.freshDatabase()
        let metricsDatabase = try await TestPostgres.freshDatabase()
        let outreach = try ServiceProcess("outreach-events", database: outreachDatabase, bootstrap: cluster.bootstrapServers)
        let booking = try ServiceProcess("booking", database: bookingDatabase, bootstrap: cluster.bootstrapServers)
        let metrics = try ServiceProcess(
            "metrics", database: metricsDatabase, bootstrap: cluster.bootstrapServers,
            extra: ["KEPU_METRICS_ALERT_INTERVAL_SECONDS": "1", "KEPU_METRICS_IDLE_DAYS": "30"])
        for service in [outreach, booking, metrics] { try await service.waitUntilReady() }

        // Before the registry: booking does not know the base.
        let venue = "base.sz.futian.mangrove"
        #expect(await booking.admin("POST", "/admin/sessions", json: Self.session("s-early", venue: venue))?.status == 400)

        let imported = await Self.csv(outreach, Self.file)
        #expect(imported?.status == 200, "\(imported?.body ?? "no answer")")

        // Booking: the base is a venue with its unit path, without a call to booking.
        try await eventually("booking knows the base") {
            await booking.admin("POST", "/admin/sessions", json: Self.session("s-1", venue: venue))?.status == 201
        }
        let venueRow = try await TestPostgres.withClient(bookingDatabase) { client in
            try await client.query("SELECT kind, name, array_to_string(unit_path, '|') FROM venue WHERE id = \(venue)").collect().first?
                .decode((String, String, String).self)
        }
        #expect(venueRow?.0 == "science_base")
        #expect(venueRow?.1 == "福田红树林生态公园, 科普基地", "the quoted name with its comma")
        #expect(venueRow?.2 == "sz|sz.futian|sz.futian.shatou")

        // Scoped tokens from `kepu token`: a Nanshan admin may not schedule at the Futian base; the refusal is audited.
        func token(_ role: String, _ scope: String) async throws -> String {
            let run = try await runTool(
                "kepu", ["token", "--role", role, "--scope", scope, "--subject", "\(scope)-admin", "--secret", ServiceProcess.jwtSecret])
            return run.output.split(separator: "\n").last.map(String.init) ?? ""
        }
        let nanshan = try await token("district_admin", "sz.nanshan")
        let refused = await httpRequest(
            port: booking.httpPort, method: "POST", path: "/admin/sessions",
            headers: ["Authorization": "Bearer \(nanshan)", "Content-Type": "application/json"],
            body: Self.session("s-n", venue: venue))
        #expect(refused?.status == 403, "\(refused?.body ?? "no answer")")
        let futian = try await token("district_admin", "sz.futian")
        let allowed = await httpRequest(
            port: booking.httpPort, method: "POST", path: "/admin/sessions",
            headers: ["Authorization": "Bearer \(futian)", "Content-Type": "application/json"],
            body: Self.session("s-f", venue: venue))
        #expect(allowed?.status == 201, "\(allowed?.body ?? "no answer")")
        let audit = await booking.get("/admin/audit", headers: ["Authorization": "Bearer \(ServiceProcess.adminToken)"])?.body ?? ""
        #expect(audit.contains(#""subject":"sz.nanshan-admin""#) && audit.contains(#""status":403"#), "\(audit)")

        // Metrics: the hierarchy, names and populations, per capita; the practice point that never held a session is idle.
        try await eventually("metrics knows the district's population") {
            let body = await metrics.get("/api/kpis?unit=sz.futian")?.body ?? ""
            return body.contains(#""population":1553225"#) && body.contains("福田区")
        }
        let kpis = await metrics.get("/api/kpis?unit=sz.futian")?.body ?? ""
        #expect(kpis.contains(#""perTenThousandResidents":{"#), "\(kpis)")
        try await eventually("no_recent_session is raised for the practice point that never held a session", timeout: .seconds(30)) {
            (await metrics.get("/api/alerts")?.body ?? "").contains("point.sz.futian.idle")
        }
        let alerts = await metrics.get("/api/alerts")?.body ?? ""
        #expect(alerts.contains("no session held since it joined on 2022-01-01"), "\(alerts)")

        // Staffing coverage: the center has a head, the institute nobody yet.
        let head = await outreach.admin(
            "PUT", "/admin/staff/staff.futian.head",
            json: #"{"role":"head","placeId":"center.sz.futian","name":"王主任","phone":"13800000000","since":"2026-01-01"}"#)
        #expect(head?.status == 200, "\(head?.body ?? "")")
        try await eventually("metrics counts the center as staffed") {
            (await metrics.get("/api/staffing?unit=sz")?.body ?? "").contains(#""coverage":0.5,"name":"福田区","practiceSites":2,"staffed":1"#)
        }
        #expect(!(await metrics.get("/api/staffing?unit=sz")?.body ?? "").contains("王主任"))
        // The same coverage as levels on the KPIs (and the snapshot topic): two practice sites, one staffed.
        try await eventually("the city's KPIs count two practice sites, one staffed") {
            let body = await metrics.get("/api/kpis?unit=sz")?.body ?? ""
            return body.contains(#""practice_sites":2"#) && body.contains(#""staffed_sites":1"#)
        }

        // Retired: no new sessions; the session made before stands.
        let retired = await outreach.admin(
            "PUT", "/admin/network/sites/\(venue)",
            json: #"{"kind":"science_base","name":"福田红树林生态公园, 科普基地","unitId":"sz.futian.shatou","status":"retired","until":"2026-12-31"}"#)
        #expect(retired?.status == 200, "\(retired?.body ?? "")")
        try await eventually("booking refuses new sessions at the retired base") {
            let answer = await booking.admin("POST", "/admin/sessions", json: Self.session("s-2", venue: venue))
            return answer?.status == 400 && answer?.body.contains("retired") == true
        }
        #expect(await booking.get("/sessions/s-1")?.status == 200, "the session made before the retirement stands")

        // Bad records on the registry topic: each follower dead-letters them and goes on.
        let hostile = [
            CloudEvent(source: "/x", type: NetworkEventType.siteRecorded, data: Array(#"{"siteId":"a"}"#.utf8))
                .kafkaMessage(topic: Topics.networkUnits.name, key: "a"),
            try CloudEvent(
                source: "/x", type: NetworkEventType.unitRecorded,
                payload: NetworkUnitRecord(
                    unitId: "sz.x", level: .district, name: "x", parentId: "sz", path: ["sz", "sz.x"], population: nil, populationEstimated: false,
                    pilotSince: nil)
            ).kafkaMessage(topic: Topics.networkUnits.name, key: "not-its-id"),
            CloudEvent(source: "/x", type: "kepu.network.castle.v1", data: Array("{}".utf8)).kafkaMessage(topic: Topics.networkUnits.name, key: "c"),
        ]
        try await publish(hostile, to: cluster)
        for service in ["booking", "metrics"] {
            let letters = try await readTopic("kepu.\(service).dlq.v1", cluster: cluster, atLeast: 3, quiet: .milliseconds(500))
            let fromRegistry = letters.compactMap { DeadLetter(deadLetterRecord: $0) }.filter { $0.sourceTopic == Topics.networkUnits.name }
            #expect(Set(fromRegistry.map(\.errorCode)) == ["invalid_payload", "unknown_type"], "\(service): \(fromRegistry.map(\.errorCode))")
            #expect(
                fromRegistry.count == (service == "booking" ? 2 : 3), "\(service): booking ignores unit records, so a mis-keyed one is no harm there")
        }
        let more =
            "type,id,parent,name,population,estimated,address,status,since,until,pilot_since\nstreet,sz.futian.lianhua,sz.futian,莲花街道,155322,true,,,,,"
        #expect(await Self.csv(outreach, more)?.status == 200)
        try await eventually("metrics goes on after the bad records") {
            (await metrics.get("/api/units/sz.futian/children")?.body ?? "").contains("sz.futian.lianhua")
        }
        for service in [outreach, booking, metrics] { #expect(await service.terminate() == 0) }
    }
}
