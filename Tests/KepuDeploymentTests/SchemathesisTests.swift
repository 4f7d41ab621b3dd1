import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import KepuTooling
import PostgresNIO
import Testing

/// schemathesis (PyPI) against each running service and its OpenAPI document: generated requests, valid and
/// not, public and admin, and no answer may be a 5xx or break the document. The HTTP counterpart of the AsyncAPI
/// checks.
@Suite("schemathesis against the running services", .serialized, .startsServiceProcesses)
struct SchemathesisTests {
    static func executable() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["KEPU_SCHEMATHESIS"], FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError(
                "KEPU_SCHEMATHESIS is not set: run the tests with infra/test.sh (it installs schemathesis with infra/scripts/install-schemathesis.sh)"
            )
        }
        return path
    }

    /// Runs `service` with the embedded cluster and a fresh database, lets `seed` give it data, then schemathesis.
    func fuzz(_ service: String, folder: String, seed: (ServiceProcess, DatabaseSettings) async throws -> Void) async throws {
        let schemathesis = try Self.executable()
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let database = try await TestPostgres.freshDatabase()
        let process = try ServiceProcess(service, database: database, bootstrap: cluster.bootstrapServers)
        try await process.waitUntilReady()
        // The documents' examples name what is seeded here, so the examples phase reads real rows.
        try await seed(process, database)

        let work = FileManager.default.temporaryDirectory.appendingPathComponent("kepu-schemathesis-\(service)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let document = work.appendingPathComponent("openapi.json")
        try OpenAPIDocument.load(service: folder).write(to: document)
        let output = work.appendingPathComponent("schemathesis.log")
        // A fixed seed keeps CI reproducible; KEPU_SCHEMATHESIS_SEED explores other inputs.
        let seedValue = ProcessInfo.processInfo.environment["KEPU_SCHEMATHESIS_SEED"] ?? "20261206"
        // Run in the scratch folder: schemathesis keeps a cache of failures in its working directory.
        let run = try ChildProcess.spawn(
            "/bin/sh",
            [
                "-c", #"cd "$0" && exec "$@""#, work.path, schemathesis,
                "run", document.path, "--url", "http://127.0.0.1:\(process.httpPort)",
                "--header", "Authorization: Bearer \(ServiceProcess.adminToken)",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--max-examples", "40", "--seed", seedValue, "--workers", "1", "--request-timeout", "10",
                "--phases", "examples,coverage,fuzzing", "--warnings", "off",
            ],
            environment: ["PATH": "/usr/bin:/bin", "HOME": work.path, "LANG": "C.UTF-8", "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""],
            output: output.path)
        let status = await run.wait()
        let log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        // The summary (operations, test cases, checks) goes to the test output, so a CI log shows what ran.
        print("schemathesis against \(service):\n" + log.split(separator: "\n").suffix(25).joined(separator: "\n"))
        let exit = await process.terminate()
        #expect(exit == 0, "\(service) did not stop cleanly after the run:\n\(process.log.suffix(2000))")
        #expect(status == .exited(0), "schemathesis found problems in \(service):\n\(log.split(separator: "\n").suffix(80).joined(separator: "\n"))")
        #expect(log.contains("passed"), "schemathesis ran no operation against \(service):\n\(log)")
    }

    @Test("booking answers every generated request without a 5xx and as its document says")
    func booking() async throws {
        try await fuzz("booking", folder: "Booking") { service, _ in
            let venue = await service.admin(
                "POST", "/admin/venues", json: #"{"id":"v-1","kind":"museum","name":"City Science Museum","unitPath":["sz"]}"#)
            #expect(venue?.status == 200)
            let session = await service.admin(
                "POST", "/admin/sessions",
                json: #"{"id":"s-1","venueId":"v-1","startsAt":"2030-01-01T01:00:00Z","endsAt":"2030-01-01T02:00:00Z","capacity":10}"#)
            #expect(session?.status == 201)
        }
    }

    @Test("outreach-events answers every generated request without a 5xx and as its document says")
    func outreachEvents() async throws {
        try await fuzz("outreach-events", folder: "OutreachEvents") { service, _ in
            let registry = """
                type,id,parent,name,population,estimated,address,status,since,until,pilot_since
                city,sz,,深圳市,17560061,,,,,,
                district,sz.futian,sz,福田区,1553225,,,,,,2022-03-01
                street,sz.futian.shatou,sz.futian,沙头街道,155322,true,,,,,
                street,sz.futian.yuanling,sz.futian,园岭街道,155322,true,,,,,
                community,sz.futian.shatou.c01,sz.futian.shatou,一社区,30000,true,,,,,
                museum,museum.sz.science-museum,sz.futian.yuanling,深圳市科学馆,,,福田区上步中路1003号,,,,
                science_base,base.sz.nanshan.marine,sz.futian.shatou,海洋基地,,,,,,,
                science_base,base.sz.futian.mangrove,sz.futian.shatou,红树林基地,,,,,,,
                institute,institute.sz.futian.shatou,sz.futian.shatou,沙头街道新时代文明实践所,,,,,,,
                center,center.sz.futian,sz.futian,福田区新时代文明实践中心,,,,,,,
                """
            let imported = await httpRequest(
                port: service.httpPort, method: "POST", path: "/admin/network/import",
                headers: ["Authorization": "Bearer \(ServiceProcess.adminToken)", "Content-Type": "text/csv"], body: registry)
            #expect(imported?.status == 200, "\(imported?.body ?? "no answer")")
        }
    }

    @Test("volunteer answers every generated request without a 5xx and as its document says")
    func volunteer() async throws {
        try await fuzz("volunteer", folder: "Volunteer") { service, database in
            // The registry as volunteer follows it, and an event with volunteer needs as outreach publishes it.
            try await TestPostgres.withClient(database) { client in
                try await client.query(
                    """
                    INSERT INTO network_unit (id, level, path) VALUES ('sz', 'city', '{sz}'), ('sz.futian', 'district', '{sz,sz.futian}'),
                        ('sz.futian.shatou', 'street', '{sz,sz.futian,sz.futian.shatou}')
                    """)
                try await client.query(
                    """
                    INSERT INTO activity_event (id, status, title, site_path, theme, starts_at, ends_at, needed, skills)
                    VALUES ('ev.demo', 'published', '健康讲座', '{sz,sz.futian,sz.futian.shatou}', 'health', '2030-03-02T02:00:00Z',
                            '2030-03-02T04:00:00Z', 2, '{health,lecture}')
                    """)
            }
            #expect(await service.admin("PUT", "/admin/teams/team.sz.futian", json: #"{"name":"福田区科技志愿服务分队","unitId":"sz.futian"}"#)?.status == 200)
            let profile =
                #"{"residentId":"r-demo-1","teamId":"team.sz.futian","role":"volunteer","name":"李科普","phone":"13800000000","skills":["health","lecture"],"qualifications":[{"kind":"teaching","expiresOn":"2031-12-31"}],"homeUnitId":"sz.futian.shatou","availability":[{"weekday":6,"from":"09:00","until":"18:00"}],"monthlyHoursCap":40}"#
            #expect(await service.admin("PUT", "/admin/volunteers/vol.demo.1", json: profile)?.status == 200)
        }
    }

    @Test("content-supply answers every generated request without a 5xx and as its document says")
    func contentSupply() async throws {
        try await fuzz("content-supply", folder: "ContentSupply") { service, _ in
            let book = #"{"title":"时间简史","authors":["史蒂芬·霍金"],"category":"popular_science","ageBand":"adults","publisher":"湖南科学技术出版社"}"#
            #expect(await service.admin("PUT", "/admin/books/978-7-5357-3221-7", json: book)?.status == 200)
            let work = #"{"title":"夏季防溺水知识","type":"video","theme":"emergency_safety","url":"https://www.kepuchina.cn/works/demo-1"}"#
            #expect(await service.admin("PUT", "/admin/works/kepuchina.demo.1", json: work)?.status == 200)
        }
    }

    @Test("metrics answers every generated request without a 5xx and as its document says")
    func metrics() async throws {
        try await fuzz("metrics", folder: "Metrics") { _, database in
            try await TestPostgres.withClient(database) { client in
                try await client.query(
                    "INSERT INTO metric_unit (unit_id, parent_id, level, path) VALUES ('sz', NULL, 'city', '{sz}'), ('sz-futian', 'sz', 'district', '{sz,sz-futian}')"
                )
                try await client.query(
                    """
                    INSERT INTO kpi_counter (unit_id, period_kind, period_key, seats_offered, seats_booked, bookings_made, check_ins, no_shows)
                    VALUES ('sz', 'month', '2030-01', 100, 80, 40, 30, 2), ('sz-futian', 'month', '2030-01', 100, 80, 40, 30, 2)
                    """)
            }
        }
    }
}
