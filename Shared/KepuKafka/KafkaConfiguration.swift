import CRdKafka

/// librdkafka properties for one client. Anything librdkafka knows can be set and is passed through as is
/// (see librdkafka's CONFIGURATION.md); the typed initialisers only set this suite's defaults.
public struct KafkaConfiguration: Sendable, Hashable {
    /// The property map handed to `rd_kafka_conf_set`, key by key.
    public var properties: [String: String]

    public init(bootstrapServers: String, properties: [String: String] = [:]) {
        self.properties = properties
        self.properties["bootstrap.servers"] = bootstrapServers
    }

    public var bootstrapServers: String { properties["bootstrap.servers"] ?? "" }

    /// librdkafka properties from `KEPU_KAFKA_PROP_*` variables, the one way every service and the `kepu` tool take
    /// them: `KEPU_KAFKA_PROP_SECURITY_PROTOCOL=SASL_SSL` sets `security.protocol` (underscores become dots).
    public static func properties(fromEnvironment environment: [String: String]) -> [String: String] {
        var properties: [String: String] = [:]
        for (name, value) in environment where name.hasPrefix("KEPU_KAFKA_PROP_") {
            properties[name.dropFirst("KEPU_KAFKA_PROP_".count).lowercased().replacingOccurrences(of: "_", with: ".")] = value
        }
        return properties
    }

    public subscript(key: String) -> String? {
        get { properties[key] }
        set { properties[key] = newValue }
    }

    /// Producer defaults: idempotent, `acks=all`, a short linger so batches form under load.
    public static func producer(bootstrapServers: String, overrides: [String: String] = [:]) -> KafkaConfiguration {
        var configuration = KafkaConfiguration(
            bootstrapServers: bootstrapServers,
            properties: [
                "enable.idempotence": "true",
                "acks": "all",
                "linger.ms": "5",
            ])
        configuration.properties.merge(overrides) { _, new in new }
        return configuration
    }

    /// Consumer defaults: offsets are stored only when the application marks a batch processed
    /// (`enable.auto.offset.store=false`), and librdkafka commits what was stored in the background. A fetch waits
    /// at most 10 ms for data (librdkafka's 500 ms favours throughput; a booking answer is waited for by a person).
    public static func consumer(
        bootstrapServers: String, groupId: String, overrides: [String: String] = [:]
    ) -> KafkaConfiguration {
        var configuration = KafkaConfiguration(
            bootstrapServers: bootstrapServers,
            properties: [
                "group.id": groupId,
                "enable.auto.commit": "true",
                "enable.auto.offset.store": "false",
                "auto.offset.reset": "earliest",
                "enable.partition.eof": "false",
                "fetch.wait.max.ms": "10",
            ])
        configuration.properties.merge(overrides) { _, new in new }
        return configuration
    }

    /// Builds an `rd_kafka_conf_t`; the caller owns it until it is passed to `rd_kafka_new`.
    package func makeNativeConfiguration() throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw .client(RD_KAFKA_RESP_ERR__FAIL, "rd_kafka_conf_new failed")
        }
        var problems: [String] = []
        var errstr = [CChar](repeating: 0, count: 512)
        // Sorted so that a property that depends on another is reported in a stable order.
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                problems.append(String(cBuffer: errstr))
            }
        }
        if !problems.isEmpty {
            rd_kafka_conf_destroy(conf)
            throw .client(RD_KAFKA_RESP_ERR__INVALID_ARG, problems.joined(separator: "; "))
        }
        return conf
    }
}

/// Creates a client handle, turning librdkafka's error string into a `KafkaError`.
package func makeKafkaHandle(_ type: rd_kafka_type_t, _ conf: OpaquePointer) throws(KafkaError) -> OpaquePointer {
    var errstr = [CChar](repeating: 0, count: 512)
    guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
        rd_kafka_conf_destroy(conf)
        let message = String(cBuffer: errstr)
        throw .client(RD_KAFKA_RESP_ERR__INVALID_ARG, message)
    }
    return rk
}

extension String {
    /// The text of a NUL-terminated C buffer that librdkafka wrote an error message into.
    init(cBuffer: [CChar]) {
        self.init(decoding: cBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
