import KepuKafka
import Prometheus

/// A service's Prometheus metrics (RED per handler, consumer lag, outbox backlog, dead letters), in a registry of
/// its own so that several services can live in one process (as in tests).
public final class ServiceMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let outboxBacklog: Gauge
    let outboxOldestAge: Gauge
    let outboxPublished: Counter
    let outboxParked: Counter
    let deadLettersLost: Counter

    public init() {
        outboxBacklog = registry.makeGauge(descriptor: .init(name: "kepu_outbox_backlog", help: "Outbox rows not yet published."))
        outboxOldestAge = registry.makeGauge(
            descriptor: .init(name: "kepu_outbox_oldest_age_seconds", help: "Age of the oldest unpublished outbox row."))
        outboxPublished = registry.makeCounter(descriptor: .init(name: "kepu_outbox_published_total", help: "Outbox rows published to Kafka."))
        outboxParked = registry.makeCounter(
            descriptor: .init(name: "kepu_outbox_parked_total", help: "Outbox rows Kafka refused for good, kept in outbox_parked (alert on any)."))
        deadLettersLost = registry.makeCounter(
            descriptor: .init(
                name: "kepu_dlq_publish_failed_total", help: "Dead letters Kafka refused for good: logged with their source offset (alert on any)."))
    }

    /// Events a handler finished, by outcome: `processed`, `duplicate` (inbox hit), `dead_lettered`.
    public func handlerEvents(_ handler: String, outcome: String) -> Counter {
        registry.makeCounter(
            descriptor: .init(name: "kepu_handler_events_total", help: "Events handled, by handler and outcome."),
            labels: [("handler", handler), ("outcome", outcome)])
    }

    public func handlerErrors(_ handler: String) -> Counter {
        registry.makeCounter(
            descriptor: .init(name: "kepu_handler_batch_errors_total", help: "Batch attempts that failed and were retried."),
            labels: [("handler", handler)])
    }

    public func batchDuration(_ handler: String) -> DurationHistogram {
        registry.makeDurationHistogram(
            descriptor: .init(name: "kepu_handler_batch_duration_seconds", help: "Time to process one batch (decode, transaction, offsets)."),
            labels: [("handler", handler)],
            buckets: [
                .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
            ])
    }

    public func deadLetters(_ handler: String) -> Counter {
        registry.makeCounter(
            descriptor: .init(name: "kepu_dlq_messages_total", help: "Records sent to the dead-letter topic."), labels: [("handler", handler)])
    }

    public func recordLag(_ lag: [KafkaTopicPartition: Int64], group: String) {
        for (tp, value) in lag {
            registry.makeGauge(
                descriptor: .init(name: "kepu_consumer_lag", help: "Records behind the partition's end, per assigned partition."),
                labels: [("group", group), ("topic", tp.topic), ("partition", String(tp.partition))]
            ).set(Double(value))
        }
    }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

extension MetricNameDescriptor {
    init(name: String, help: String) {
        self.init(metricName: name, unitName: "", helpText: help)
    }
}
