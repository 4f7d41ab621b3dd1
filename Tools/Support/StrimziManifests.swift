import KepuContracts
import KepuDomain

/// The Strimzi resources the topic registry implies, so Kubernetes' topics and permissions never drift from the
/// code: a `KafkaTopic` per topic, and a `KafkaUser` per service whose ACLs allow exactly what the registry says
/// (write its own topics, read the topics it consumes, its consumer groups `<service>.*`), plus the frontends (write
/// the request and engagement topics, read the services' answers), the dashboards (read metrics' topics) and ops
/// (`kepu` commands: everything under `kepu.`). `kepu topics manifest` prints them; a test compares the committed files.
public enum StrimziManifests {
    public static let apiVersion = "kafka.strimzi.io/v1beta2"

    /// Every topic of the registry as a `KafkaTopic` of `cluster`.
    public static func topics(cluster: String, replicas: Int, minInSyncReplicas: Int) -> String {
        var documents: [String] = []
        for topic in Topics.all {
            var configs = topic.configs
            configs["min.insync.replicas"] = String(minInSyncReplicas)
            var lines = [
                "apiVersion: \(apiVersion)", "kind: KafkaTopic", "metadata:", "  name: \(topic.name)", "  labels:",
                "    strimzi.io/cluster: \(cluster)",
                "    app.kubernetes.io/part-of: kepu-classroom", "    kepu.io/owner: \(topic.owner.rawValue)", "spec:", "  topicName: \(topic.name)",
                "  partitions: \(topic.partitions)", "  replicas: \(replicas)", "  config:",
            ]
            lines += configs.keys.sorted().map { "    \($0): \"\(configs[$0] ?? "")\"" }
            documents.append(lines.joined(separator: "\n"))
        }
        return header + documents.joined(separator: "\n---\n") + "\n"
    }

    /// One `KafkaUser` per service, and the frontends', dashboards' and ops' users, with ACLs of least privilege.
    public static func users(cluster: String) -> String {
        var documents: [String] = []
        for service in ServiceName.all {
            let writes = Topics.all.filter { $0.owner == service && !$0.writtenByFrontends }.map(\.name)
            let reads = Topics.all.filter { $0.readers.contains(service) }.map(\.name)
            documents.append(
                user(
                    "kepu-\(service.rawValue)", cluster: cluster,
                    acls: writes.map { topic($0, ["Write", "Describe"]) } + reads.map { topic($0, ["Read", "Describe"]) }
                        + [group("\(service.rawValue).", prefix: true, ["Read"])]))
        }
        let requests = Topics.all.filter(\.writtenByFrontends).map(\.name)
        let answers = [Topics.bookingEvents, Topics.outreachEvents, Topics.volunteerEvents, Topics.contentEvents].map(\.name)
        documents.append(
            user(
                "kepu-frontends", cluster: cluster,
                acls: requests.map { topic($0, ["Write", "Describe"]) } + answers.map { topic($0, ["Read", "Describe"]) }
                    + [group("frontend-", prefix: true, ["Read"])]))
        documents.append(
            user(
                "kepu-dashboards", cluster: cluster,
                acls: [Topics.metricSnapshots, Topics.metricAlerts].map { topic($0.name, ["Read", "Describe"]) }
                    + [group("dashboard-", prefix: true, ["Read"])]))
        documents.append(
            user(
                "kepu-ops", cluster: cluster,
                acls: [
                    "      - resource:\n          type: topic\n          name: kepu.\n          patternType: prefix\n        operations: [All]",
                    group("kepu", prefix: true, ["All"]),
                ]))
        return header + documents.joined(separator: "\n---\n") + "\n"
    }

    static let header = "# Generated from the topic registry (Shared/Contracts/Topics.swift) by `kepu topics manifest`: do not edit.\n"

    static func user(_ name: String, cluster: String, acls: [String]) -> String {
        """
        apiVersion: \(apiVersion)
        kind: KafkaUser
        metadata:
          name: \(name)
          labels:
            strimzi.io/cluster: \(cluster)
            app.kubernetes.io/part-of: kepu-classroom
        spec:
          authentication:
            type: scram-sha-512
          authorization:
            type: simple
            acls:
        \(acls.joined(separator: "\n"))
        """
    }

    static func topic(_ name: String, _ operations: [String]) -> String {
        "      - resource:\n          type: topic\n          name: \(name)\n          patternType: literal\n        operations: [\(operations.joined(separator: ", "))]"
    }

    static func group(_ name: String, prefix: Bool, _ operations: [String]) -> String {
        "      - resource:\n          type: group\n          name: \(name)\n          patternType: \(prefix ? "prefix" : "literal")\n        operations: [\(operations.joined(separator: ", "))]"
    }
}
