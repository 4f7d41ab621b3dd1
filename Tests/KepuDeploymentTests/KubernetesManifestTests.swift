import Foundation
import KepuContracts
import KepuDomain
import KepuRuntime
import KepuTooling
import Testing
import Yams

/// `infra/k8s`: each service's base is what `KubernetesManifests` derives from its definition (regenerate with
/// `KEPU_REGENERATE=1 swift test --filter KubernetesManifestTests`), and the whole tree keeps the rules a platform
/// team relies on: probes on the real endpoints, drain shorter than the grace period, autoscaling within the
/// partitions, Secrets only referenced.
@Suite("Kubernetes manifests")
struct KubernetesManifestTests {
    static func path(_ service: ServiceName) -> String { "infra/k8s/base/\(service.rawValue)/service.yaml" }

    @Test("each service's base is generated from its definition", arguments: OpenAPIDocumentTests.definitions)
    func generated(_ definition: ServiceDefinition) throws {
        let expected = KubernetesManifests.manifest(definition.name, consumers: definition.consumerGroups)
        let file = DeploymentFileTests.root.appendingPathComponent(Self.path(definition.name))
        if ProcessInfo.processInfo.environment["KEPU_REGENERATE"] == "1" {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try expected.write(to: file, atomically: true, encoding: .utf8)
        }
        #expect(try DeploymentFileTests.text(Self.path(definition.name)) == expected, "\(Self.path(definition.name)) is stale: regenerate it")
    }

    @Test("probes, grace, autoscaling within partitions, one database per service, policies", arguments: OpenAPIDocumentTests.definitions)
    func rules(_ definition: ServiceDefinition) throws {
        let name = definition.name.rawValue
        let documents = try Yams.load_all(yaml: try DeploymentFileTests.text(Self.path(definition.name))).compactMap { $0 as? [String: Any] }
        func kind(_ kind: String) -> [[String: Any]] { documents.filter { $0["kind"] as? String == kind } }
        let deployment = try #require(kind("Deployment").first)
        let pod = try #require(((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        #expect((container["command"] as? [String]) == ["/usr/local/bin/\(name)"])
        #expect(((container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String == "/health/live")
        #expect(((container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String == "/health/ready")
        #expect((pod["terminationGracePeriodSeconds"] as? Int ?? 0) > 30, "longer than the runtime's drain")
        let env = try #require(container["env"] as? [[String: Any]])
        for variable in env where variable["value"] == nil {
            #expect(((variable["valueFrom"] as? [String: Any]) ?? [:]).isEmpty == false, "\(variable)")
        }
        #expect(env.contains { $0["name"] as? String == "KEPU_DATABASE_URL" && (($0["valueFrom"] as? [String: Any])?["secretKeyRef"]) != nil })
        #expect(kind("PodDisruptionBudget").count == 1)
        #expect(kind("Cluster").count == 1 && kind("ScheduledBackup").count == 1, "its own CloudNativePG cluster, backed up")
        #expect(kind("NetworkPolicy").count == 1)
        if definition.consumedTopics.isEmpty {
            #expect(kind("ScaledObject").isEmpty)
        } else {
            let scaled = try #require(kind("ScaledObject").first?["spec"] as? [String: Any])
            let partitions = definition.consumedTopics.compactMap { Topics.named($0)?.partitions }.map(Int.init).max() ?? 0
            #expect((scaled["maxReplicaCount"] as? Int ?? .max) <= partitions, "no more replicas than partitions")
            let triggers = try #require(scaled["triggers"] as? [[String: Any]])
            #expect(
                Set(triggers.compactMap { ($0["metadata"] as? [String: Any])?["topic"] as? String }) == definition.consumedTopics,
                "a lag trigger per consumed topic")
        }
    }

    @Test("no Secret is committed with values anywhere under infra/k8s")
    func noSecrets() throws {
        let root = DeploymentFileTests.root.appendingPathComponent("infra/k8s")
        let files = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)).compactMap { $0 as? URL }
            .filter { $0.pathExtension == "yaml" }
        #expect(files.count >= 10)
        for file in files {
            for document in try Yams.load_all(yaml: try String(contentsOf: file, encoding: .utf8)) {
                #expect((document as? [String: Any])?["kind"] as? String != "Secret", "\(file.lastPathComponent) holds a Secret")
            }
        }
    }
}
