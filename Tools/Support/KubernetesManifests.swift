import KepuContracts
import KepuDomain
import KepuRuntime

/// The Kubernetes base for one service (`infra/k8s/base/<service>/service.yaml`), derived from what the code says
/// so it cannot drift: the executable and its HTTP port, the health endpoints, the topics it consumes (KEDA's
/// lag trigger, its replicas at most their partitions), its own CloudNativePG cluster with scheduled backups,
/// Strimzi's KafkaUser secret, and NetworkPolicies that allow only the bus, its database and DNS out, and its HTTP
/// port in. Secrets are referenced by name, never written with values. The deployment tests write it
/// (`KEPU_REGENERATE=1`) and check the committed file against it.
public enum KubernetesManifests {
    /// Requests and limits per service, from `docs/capacity.md`'s measurements: 38-40 MiB resident at idle, 44-57
    /// MiB under the demo's load, 80-354 MiB folding a backlog at full speed (the history's 600,000 events). The
    /// request covers the backlog's peak (a replica catching up is the case to plan for), the limit is four times
    /// the request.
    public struct Resources: Sendable {
        public let cpuRequest: String
        public let memoryRequest: String
        public let memoryLimit: String
    }

    public static func resources(_ service: ServiceName) -> Resources {
        switch service {
        case .booking: Resources(cpuRequest: "500m", memoryRequest: "128Mi", memoryLimit: "512Mi")
        case .metrics: Resources(cpuRequest: "500m", memoryRequest: "384Mi", memoryLimit: "1536Mi")
        case .outreachEvents: Resources(cpuRequest: "250m", memoryRequest: "192Mi", memoryLimit: "768Mi")
        default: Resources(cpuRequest: "250m", memoryRequest: "128Mi", memoryLimit: "512Mi")
        }
    }

    /// Seconds Kubernetes waits after SIGTERM: the runtime stops consuming, finishes the batch in flight, drains the
    /// outbox and closes (well under 30 s); the rest is margin before SIGKILL.
    public static let terminationGracePeriodSeconds = 45

    /// The most replicas KEDA may run: no more than the partitions of the busiest topic the service consumes (a
    /// replica beyond them would have no partition).
    public static func maxReplicas(_ service: ServiceName) -> Int {
        Topics.all.filter { $0.readers.contains(service) }.map { Int($0.partitions) }.max() ?? 1
    }

    /// - Parameter consumers: the service's consumer groups and their topics (`ServiceDefinition.consumerGroups`).
    public static func manifest(_ service: ServiceName, consumers: [(group: String, topics: [String])]) -> String {
        let name = service.rawValue
        let port = RuntimeConfiguration.defaultHTTPPort(service)
        let resources = resources(service)
        let consumed = Topics.all.filter { $0.readers.contains(service) }
        let database = "\(name)-db"
        var documents: [String] = []
        documents.append(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(name)
              labels: {app.kubernetes.io/name: \(name), app.kubernetes.io/part-of: kepu-classroom}
            spec:
              replicas: 2
              selector:
                matchLabels: {app.kubernetes.io/name: \(name)}
              template:
                metadata:
                  labels: {app.kubernetes.io/name: \(name), app.kubernetes.io/part-of: kepu-classroom, kepu.io/tier: service}
                  annotations: {prometheus.io/scrape: "true", prometheus.io/port: "\(port)", prometheus.io/path: /metrics}
                spec:
                  terminationGracePeriodSeconds: \(terminationGracePeriodSeconds)
                  securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
                  containers:
                    - name: \(name)
                      image: kepu-classroom
                      command: [/usr/local/bin/\(name)]
                      ports: [{name: http, containerPort: \(port)}]
                      env:
                        - {name: KEPU_HTTP_HOST, value: 0.0.0.0}
                        - {name: KEPU_HTTP_PORT, value: "\(port)"}
                        - name: KEPU_REPLICA_ID
                          valueFrom: {fieldRef: {fieldPath: metadata.name}}
                        - name: KEPU_DATABASE_URL
                          valueFrom: {secretKeyRef: {name: \(database)-app, key: uri}}
                        - {name: KEPU_KAFKA_BOOTSTRAP_SERVERS, value: "kepu-kafka-bootstrap:9093"}
                        - {name: KEPU_KAFKA_PROP_SECURITY_PROTOCOL, value: SASL_SSL}
                        - {name: KEPU_KAFKA_PROP_SASL_MECHANISMS, value: SCRAM-SHA-512}
                        - {name: KEPU_KAFKA_PROP_SASL_USERNAME, value: kepu-\(name)}
                        - name: KEPU_KAFKA_PROP_SASL_PASSWORD
                          valueFrom: {secretKeyRef: {name: kepu-\(name), key: password}}
                        - {name: KEPU_KAFKA_PROP_SSL_CA_LOCATION, value: /etc/kepu/kafka-ca/ca.crt}
                        - name: KEPU_ADMIN_TOKEN
                          valueFrom: {secretKeyRef: {name: kepu-admin, key: token}}
                        - name: KEPU_JWT_SECRET
                          valueFrom: {secretKeyRef: {name: kepu-jwt, key: secret}}
                      volumeMounts: [{name: kafka-ca, mountPath: /etc/kepu/kafka-ca, readOnly: true}]
                      livenessProbe:
                        httpGet: {path: /health/live, port: http}
                        periodSeconds: 10
                        failureThreshold: 3
                      readinessProbe:
                        httpGet: {path: /health/ready, port: http}
                        periodSeconds: 5
                        failureThreshold: 2
                      startupProbe:
                        httpGet: {path: /health/live, port: http}
                        periodSeconds: 2
                        failureThreshold: 60
                      resources:
                        requests: {cpu: \(resources.cpuRequest), memory: \(resources.memoryRequest)}
                        limits: {memory: \(resources.memoryLimit)}
                      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
                  volumes:
                    - name: kafka-ca
                      secret: {secretName: kepu-cluster-ca-cert}
            """)
        documents.append(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
              labels: {app.kubernetes.io/name: \(name), app.kubernetes.io/part-of: kepu-classroom}
            spec:
              selector: {app.kubernetes.io/name: \(name)}
              ports: [{name: http, port: \(port), targetPort: http}]
            """)
        documents.append(
            """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: \(name)
            spec:
              maxUnavailable: 1
              selector:
                matchLabels: {app.kubernetes.io/name: \(name)}
            """)
        if !consumed.isEmpty {
            let triggers = consumers.flatMap { consumer in consumer.topics.map { (consumer.group, $0) } }.map { group, topic in
                """
                    - type: kafka
                      authenticationRef: {name: kepu-\(name)-kafka}
                      metadata:
                        bootstrapServers: kepu-kafka-bootstrap:9093
                        consumerGroup: \(group)
                        topic: \(topic)
                        lagThreshold: "5000"
                        offsetResetPolicy: earliest
                        sasl: scram_sha512
                        tls: enable
                """
            }
            documents.append(
                """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata:
                  name: \(name)
                spec:
                  scaleTargetRef: {name: \(name)}
                  minReplicaCount: 2
                  maxReplicaCount: \(maxReplicas(service))
                  cooldownPeriod: 300
                  triggers:
                \(triggers.joined(separator: "\n"))
                """)
            documents.append(
                """
                apiVersion: keda.sh/v1alpha1
                kind: TriggerAuthentication
                metadata:
                  name: kepu-\(name)-kafka
                spec:
                  secretTargetRef:
                    - {parameter: username, name: kepu-\(name)-keda, key: username}
                    - {parameter: password, name: kepu-\(name), key: password}
                    - {parameter: ca, name: kepu-cluster-ca-cert, key: ca.crt}
                """)
        }
        documents.append(
            """
            apiVersion: postgresql.cnpg.io/v1
            kind: Cluster
            metadata:
              name: \(database)
              labels: {app.kubernetes.io/part-of: kepu-classroom, kepu.io/service: \(name)}
            spec:
              instances: 2
              imageName: ghcr.io/cloudnative-pg/postgresql:15
              bootstrap:
                initdb: {database: kepu_\(name.replacingOccurrences(of: "-", with: "_")), owner: kepu}
              storage: {size: 20Gi}
              postgresql:
                parameters: {max_connections: "300"}
              backup:
                retentionPolicy: 30d
                barmanObjectStore:
                  destinationPath: s3://kepu-backups/\(name)
                  s3Credentials:
                    accessKeyId: {name: kepu-backup-s3, key: access-key-id}
                    secretAccessKey: {name: kepu-backup-s3, key: secret-access-key}
            """)
        documents.append(
            """
            apiVersion: postgresql.cnpg.io/v1
            kind: ScheduledBackup
            metadata:
              name: \(database)-daily
            spec:
              schedule: "0 0 3 * * *"
              backupOwnerReference: self
              cluster: {name: \(database)}
            """)
        documents.append(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: \(name)
            spec:
              podSelector:
                matchLabels: {app.kubernetes.io/name: \(name)}
              policyTypes: [Ingress, Egress]
              ingress:
                - from:
                    - namespaceSelector:
                        matchLabels: {kepu.io/ingress: "true"}
                    - podSelector:
                        matchLabels: {app.kubernetes.io/name: prometheus}
                  ports: [{port: \(port), protocol: TCP}]
              egress:
                - to:
                    - podSelector:
                        matchLabels: {strimzi.io/cluster: kepu, strimzi.io/kind: Kafka}
                  ports: [{port: 9093, protocol: TCP}]
                - to:
                    - podSelector:
                        matchLabels: {cnpg.io/cluster: \(database)}
                  ports: [{port: 5432, protocol: TCP}]
                - to:
                    - namespaceSelector: {}
                      podSelector:
                        matchLabels: {k8s-app: kube-dns}
                  ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
            """)
        return header + documents.joined(separator: "\n---\n") + "\n"
    }

    static let header =
        "# Generated from the code (Tools/Support/KubernetesManifests.swift; "
        + "KEPU_REGENERATE=1 swift test --filter KubernetesManifestTests): do not edit.\n"
}
