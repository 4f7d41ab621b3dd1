import Foundation
import KepuDomain
import KepuRuntime
import Testing
import Yams

@testable import MetricsService

/// compose's observability and three-broker profiles, checked statically: Prometheus scrapes every service, the
/// Grafana dashboards ask only for metrics the runtime exports and KPIs metrics serves.
@Suite("compose's observability profile")
struct ObservabilityFileTests {
    /// The metric names the runtime registers (read from its sources: they are created as they are first used).
    static func runtimeMetricNames() throws -> Set<String> {
        let folder = DeploymentFileTests.root.appendingPathComponent("Shared/Runtime")
        var names = Set<String>()
        let files = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)).compactMap { $0 as? URL }
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /name: "(kepu_[a-z_]+)"/) { names.insert(String(match.output.1)) }
        }
        return names
    }

    @Test("the profiles' services, Prometheus' targets and the collector's ports")
    func profiles() throws {
        let services = try DeploymentFileTests.composeServices()
        for name in ["prometheus", "grafana", "otel-collector"] {
            #expect(services[name]?["profiles"] as? [String] == ["observability"], "\(name)")
        }
        for name in ["kafka-2", "kafka-3"] {
            #expect(services[name]?["profiles"] as? [String] == ["three-brokers"], "\(name)")
            #expect(DeploymentFileTests.environment(services[name] ?? [:])["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093")
        }
        let prometheus = try #require(try Yams.load(yaml: try DeploymentFileTests.text("compose/observability/prometheus.yml")) as? [String: Any])
        let jobs = try #require(prometheus["scrape_configs"] as? [[String: Any]])
        for service in ServiceName.all {
            let job = try #require(jobs.first { $0["job_name"] as? String == service.rawValue }, "Prometheus scrapes \(service)")
            let targets = (job["static_configs"] as? [[String: Any]])?.first?["targets"] as? [String]
            #expect(targets == ["\(service.rawValue):\(RuntimeConfiguration.defaultHTTPPort(service))"])
        }
        let collector = try #require(try Yams.load(yaml: try DeploymentFileTests.text("compose/observability/otel-collector.yml")) as? [String: Any])
        let otlp = (collector["receivers"] as? [String: Any])?["otlp"] as? [String: Any]
        #expect(((otlp?["protocols"] as? [String: Any])?["http"] as? [String: Any])?["endpoint"] as? String == "0.0.0.0:4318", "OTLP/HTTP")
        let pipelines = ((collector["service"] as? [String: Any])?["pipelines"] as? [String: Any])?["traces"] as? [String: Any]
        #expect((pipelines?["receivers"] as? [String])?.contains("otlp") == true, "the collector takes spans in")
        // Every service exports its spans to the collector when told to (the services' only exporter is OTLP/HTTP).
        for service in ServiceName.all {
            #expect(
                DeploymentFileTests.environment(services[service.rawValue] ?? [:])["OTEL_EXPORTER_OTLP_ENDPOINT"] == "${KEPU_OTLP_ENDPOINT:-}",
                "\(service) passes KEPU_OTLP_ENDPOINT on")
        }
    }

    @Test("the services dashboard shows rate, errors, duration, lag, outbox and dead letters from the runtime's metrics")
    func servicesDashboard() throws {
        let dashboard = try #require(
            try JSONSerialization.jsonObject(with: Data(try DeploymentFileTests.text("compose/observability/grafana/dashboards/services.json").utf8))
                as? [String: Any])
        let expressions = ((dashboard["panels"] as? [[String: Any]]) ?? []).flatMap { ($0["targets"] as? [[String: Any]]) ?? [] }
            .compactMap { $0["expr"] as? String }
        let used = Set(expressions.flatMap { $0.matches(of: /kepu_[a-z_]+/).map { String($0.output) } })
            .map { $0.replacingOccurrences(of: "_bucket", with: "") }
        let known = try Self.runtimeMetricNames()
        #expect(Set(used).isSubset(of: known), "unknown metrics: \(Set(used).subtracting(known).sorted())")
        for needed in [
            "kepu_handler_events_total", "kepu_handler_batch_errors_total", "kepu_handler_batch_duration_seconds", "kepu_consumer_lag",
            "kepu_outbox_backlog", "kepu_outbox_oldest_age_seconds", "kepu_dlq_messages_total",
        ] {
            #expect(used.contains(needed), "the dashboard shows \(needed)")
        }
    }

    @Test("the programme dashboard reads KPIs metrics serves")
    func programmeDashboard() throws {
        let dashboard = try #require(
            try JSONSerialization.jsonObject(with: Data(try DeploymentFileTests.text("compose/observability/grafana/dashboards/programme.json").utf8))
                as? [String: Any])
        let columns = ((dashboard["panels"] as? [[String: Any]]) ?? []).flatMap { ($0["targets"] as? [[String: Any]]) ?? [] }
            .flatMap { ($0["columns"] as? [[String: Any]]) ?? [] }.compactMap { $0["selector"] as? String }
        #expect(columns.count >= 8)
        // A count by name, or a rate's value (`/api/kpis` gives each rate as value, numerator and denominator).
        let served = Set(KPI.counts.map(\.rawValue) + KPI.rates.map { "\($0.rawValue).value" })
        #expect(Set(columns).isSubset(of: served), "\(Set(columns).subtracting(served).sorted())")
        #expect(columns.contains("youth_participants") && columns.contains("youth_share.value"), "the sheet's youth line")
    }
}
