import Foundation
import KepuDomain
import KepuRuntime
import KepuTestSupport
import Testing
import Yams

/// compose/ and the Dockerfile, checked statically (the build machines have no Docker engine).
@Suite("Deployment files")
struct DeploymentFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The compose services, with `<<: *anchor` merges applied.
    static func composeServices() throws -> [String: [String: Any]] {
        let document = try #require(try Yams.load(yaml: try text("compose/docker-compose.yml")) as? [String: Any])
        let services = try #require(document["services"] as? [String: [String: Any]])
        return services.mapValues { service in
            guard let base = service["<<"] as? [String: Any] else { return service }
            return base.merging(service.filter { $0.key != "<<" }) { _, own in own }
        }
    }

    static func environment(_ service: [String: Any]) -> [String: String] {
        (service["environment"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
    }

    @Test("every service runs from the suite's image with its own database, the broker and a readiness health check")
    func servicesAreWired() throws {
        let services = try Self.composeServices()
        var hostPorts: [String] = []
        for name in ServiceName.all.map(\.rawValue) {
            let service = try #require(services[name], "compose has no \(name)")
            #expect(service["image"] as? String == "kepu-classroom:dev")
            #expect(service["command"] as? [String] == [name])
            let environment = Self.environment(service)
            for setting in RuntimeSetting.declarations {
                guard case .required = setting.kind else { continue }
                #expect(environment[setting.name] != nil, "\(name) lacks \(setting.name)")
            }
            let database = "postgres-\(name)"
            #expect(environment["KEPU_DATABASE_URL"]?.contains("@\(database):5432/") == true, "\(name) uses its own database")
            #expect(environment["KEPU_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092")
            let port = try #require(environment["KEPU_HTTP_PORT"])
            let health = (service["healthcheck"] as? [String: Any])?["test"] as? [String] ?? []
            #expect(health.joined(separator: " ").contains("127.0.0.1:\(port)/health/ready"), "\(name) health check probes its own port")
            let dependencies = service["depends_on"] as? [String: [String: String]] ?? [:]
            #expect(dependencies[database]?["condition"] == "service_healthy")
            #expect(dependencies["kafka"]?["condition"] == "service_healthy")
            #expect(dependencies["topics"]?["condition"] == "service_completed_successfully")
            hostPorts += (service["ports"] as? [String] ?? [])
            let postgres = try #require(services[database])
            #expect((postgres["image"] as? String)?.hasPrefix("postgres:15") == true)
            #expect(postgres["healthcheck"] != nil)
        }
        #expect(Set(hostPorts).count == hostPorts.count, "host ports are unique")
        #expect((services["kafka"]?["image"] as? String)?.hasPrefix("apache/kafka:") == true)
        #expect(Self.environment(services["kafka"] ?? [:])["KAFKA_PROCESS_ROLES"] == "broker,controller", "KRaft, no ZooKeeper")
        #expect(services["topics"]?["command"] as? [String] == ["kepu", "topics", "create", "--replication-factor", "${KEPU_TOPIC_REPLICAS:-1}"])
    }

    @Test("every variable set for a service is one the services read")
    func variablesAreKnown() throws {
        for (name, service) in try Self.composeServices() where ServiceName.all.map(\.rawValue).contains(name) {
            let own = OpenAPIDocumentTests.definitions.first { $0.name.rawValue == name }?.settings ?? []
            let known = RuntimeSetting.declarations + own
            for variable in Self.environment(service).keys {
                #expect(known.contains { $0.names(variable) }, "\(name) sets \(variable), which \(name) does not read")
            }
        }
    }

    @Test("the operations guide shows every setting as declared, and the Dockerfile builds every executable compose runs")
    func documentation() throws {
        // The tables are derived from the declarations: a setting added, changed or removed shows here.
        let operations = try Self.text("docs/operations.md")
        let runtimeTable = SettingDeclaration.markdownTable(RuntimeSetting.declarations)
        #expect(operations.contains(runtimeTable), "docs/operations.md's runtime table is not the declared one; it should read:\n\(runtimeTable)")
        for definition in OpenAPIDocumentTests.definitions where !definition.settings.isEmpty {
            let table = SettingDeclaration.markdownTable(definition.settings)
            #expect(operations.contains(table), "docs/operations.md's \(definition.name) table is not the declared one; it should read:\n\(table)")
        }
        let dockerfile = try Self.text("Dockerfile")
        for executable in ServiceName.all.map(\.rawValue) + ["kepu"] {
            #expect(dockerfile.contains("--product \(executable) "), "Dockerfile does not build \(executable)")
        }
    }
}

extension DeploymentFileTests {
    @Test("compose publishes ports on loopback unless told otherwise, and has no default password")
    func composeIsClosedByDefault() throws {
        let text = try Self.text("compose/docker-compose.yml")
        for (name, service) in try Self.composeServices() {
            for port in service["ports"] as? [String] ?? [] {
                #expect(
                    port.hasPrefix("${KEPU_KAFKA_BIND:-127.0.0.1}:") || port.hasPrefix("${KEPU_HTTP_BIND:-127.0.0.1}:"), "\(name) publishes \(port)")
            }
            for (variable, value) in Self.environment(service) where variable.contains("PASSWORD") || value.contains("PASSWORD") {
                #expect(!value.contains("PASSWORD:-"), "\(name).\(variable) has a default: \(value)")
            }
        }
        #expect(text.contains("${KEPU_DB_PASSWORD:?"), "the database password is a required variable")
        #expect(!text.contains("KEPU_DB_PASSWORD:-"))
    }

    @Test("each service's --help lists every variable it reads, and exits 0 without any set", arguments: OpenAPIDocumentTests.definitions)
    func help(_ definition: ServiceDefinition) async throws {
        let run = try await runTool(definition.name.rawValue, ["--help"], environment: ["KEPU_DATABASE_URL": "", "KEPU_ADMIN_TOKEN": ""])
        #expect(run.status == 0, "\(run.output.prefix(500))")
        for setting in RuntimeSetting.declarations + definition.settings { #expect(run.output.contains(setting.name), "\(setting.name)") }
    }
}
