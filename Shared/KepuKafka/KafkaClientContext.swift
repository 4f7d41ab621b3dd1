import CRdKafka
import Logging

/// What librdkafka's callbacks need to reach Swift: set as the client's opaque, so every callback finds it with
/// `rd_kafka_opaque(rk)`. It lives as long as its client.
package final class KafkaClientContext: Sendable {
    let logger: Logger
    /// Only for consumers.
    let rebalance: RebalanceState?

    /// For clients outside this module (the embedded cluster's handle): no rebalance state.
    package convenience init(logger: Logger) {
        self.init(logger: logger, rebalance: nil)
    }

    init(logger: Logger, rebalance: RebalanceState?) {
        self.logger = logger
        self.rebalance = rebalance
    }

    /// Installs the context and routes librdkafka's log lines into `logger` (instead of stderr), so they come out
    /// in the service's log format.
    package func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf, kepuLogCallback)
    }

    static func of(_ rk: OpaquePointer?) -> KafkaClientContext? {
        guard let rk, let opaque = rd_kafka_opaque(rk) else { return nil }
        return Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}

/// librdkafka's log callback; may run on any librdkafka thread (swift-log handlers are thread-safe).
let kepuLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = { rk, level, facility, line in
    guard let context = KafkaClientContext.of(rk) else { return }
    // syslog levels: 0-3 error and worse, 4 warning, 5 notice, 6 info, 7 debug.
    let swiftLevel: Logger.Level =
        switch level {
        case ...3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    context.logger.log(
        level: swiftLevel, "\(line.map { String(cString: $0) } ?? "")",
        metadata: ["librdkafka": "\(facility.map { String(cString: $0) } ?? "")"])
}
