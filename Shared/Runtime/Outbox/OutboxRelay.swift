import Foundation
import KepuContracts
import KepuKafka
import Logging
import PostgresNIO
import ServiceLifecycle
import Tracing

/// Publishes committed outbox rows to Kafka in id order and records how far it has published.
///
/// Woken by LISTEN/NOTIFY right after a commit, and by a timer as a fallback. One replica publishes at a time (the
/// progress row is locked for the round, and a replica finding it locked leaves the round to the holder), which
/// keeps the per-key order across replicas. A crash between publishing and recording publishes those rows again on
/// restart: at-least-once, and consumers drop the repeat by event id.
///
/// Outbox ids are in commit order (see `Outbox.append`), so once a row is published every row below it has been
/// too, and the progress is one number (`outbox_relay_progress.published_through`): a round reads on from it by
/// primary key and moves it, instead of marking every row it published (an update per row, as costly as the
/// insert, and dead index entries that every later read walked until vacuum).
public final class OutboxRelay: Service, Sendable {

    let client: PostgresClient
    let producer: KafkaProducer
    let logger: Logger
    let metrics: ServiceMetrics
    let pollInterval: Duration
    let batchSize: Int

    public init(client: PostgresClient, producer: KafkaProducer, metrics: ServiceMetrics, pollInterval: Duration, batchSize: Int, logger: Logger) {
        self.client = client
        self.producer = producer
        self.metrics = metrics
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen(wake) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.pollInterval)
                    wake.yield()
                }
            }
            await withGracefulShutdownHandler {
                // The backlog gauges and the pruning scan the table: every few seconds, not at every wake-up.
                var gauges = ContinuousClock.now
                var pruning = ContinuousClock.now
                for await _ in wakeups {
                    await self.drain()
                    if ContinuousClock.now >= gauges {
                        await self.updateBacklogMetrics()
                        gauges = .now + .seconds(5)
                    }
                    if ContinuousClock.now >= pruning {
                        await self.prunePublished()
                        pruning = .now + .seconds(60)
                    }
                }
            } onGracefulShutdown: {
                wake.finish()
            }
            group.cancelAll()
        }
        // Publish what the last batches committed before the producer is flushed.
        await drain()
    }

    /// Publishes until nothing is left (or an error, retried at the next wake-up).
    func drain() async {
        while true {
            do {
                let round = try await publishOnce()
                if round.retryLater {
                    logger.warning("outbox publish failed; will retry", metadata: ["unsent": "\(round.read - round.settled)"])
                    return
                }
                // Rows left unsent after a parked one go out in the next round, at once.
                if round.settled == round.read && round.read < batchSize { return }
            } catch {
                // The next wake-up (at the latest the poll timer) tries again.
                logger.warning("outbox relay failed; will retry", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    /// One batch: lock the progress, read the rows after it in order, send, move the progress past the
    /// acknowledged prefix. Returns rows published (0 also when another replica holds the round).
    ///
    /// Sending stops at the first record librdkafka refuses at once, so nothing after a failed row is produced in
    /// the round (and published again in the next). A row that failed for good (too large, unknown topic: Kafka
    /// will never take it) is parked in `outbox_parked`, counted and logged as an alert, and the progress moves
    /// past it; a row that failed for now stops the progress there, to be retried.
    func publishOnce() async throws -> Round {
        try await client.withTransaction(logger: logger) { connection in
            var rows: [SentRow] = []
            var messages: [KafkaProducerMessage] = []
            // With tracing on, a span per traced row, ended with its result; off, a row's context is sent as kept.
            var spans: [(index: Int, span: any Span)] = []
            for try await row in try await connection.execute(NextRows(limit: batchSize), logger: logger) {
                let (id, eventId, topic, key, type, source, time, subject, payload, traceParent, traceState) = row
                rows.append(SentRow(id: id, eventId: eventId, topic: topic))
                var event = CloudEvent(id: eventId, source: source, type: type, time: time, subject: subject, data: Array(payload.utf8))
                if let traceParent {
                    let kept = TraceHeaders(traceParent: traceParent, traceState: traceState)
                    if let span = BusTracing.publishSpan(topic: topic, continuing: kept) {
                        spans.append((messages.count, span))
                        event.setTrace(TraceHeaders(span.context) ?? kept)
                    } else {
                        event.setTrace(kept)
                    }
                }
                messages.append(event.kafkaMessage(topic: topic, key: key))
            }
            guard !messages.isEmpty else { return Round(read: 0, settled: 0, retryLater: false) }
            let results = await producer.send(messages, stopAtFirstFailure: true)
            for (index, span) in spans {
                if case .failure(let error) = results[index] {
                    span.recordError(error)
                    span.setStatus(SpanStatus(code: .error))
                }
                span.end()
            }
            var settled = 0
            var published = 0
            var parked: [(row: SentRow, error: KafkaError)] = []
            for result in results {
                switch result {
                case .success: published += 1
                case .failure(let error) where !error.isRetriable && !error.isFatal: parked.append((rows[settled], error))
                case .failure(let error):
                    if error != .notSent {
                        logger.warning("outbox publish failed", metadata: ["error": "\(error)", "event_id": "\(rows[settled].eventId)"])
                    }
                }
                if case .failure(let error) = result, error.isRetriable || error.isFatal { break }
                settled += 1
            }
            if !parked.isEmpty { try await park(parked, on: connection) }
            if settled > 0 {
                _ = try await connection.execute(MoveProgress(publishedThrough: rows[settled - 1].id), logger: logger)
            }
            metrics.outboxPublished.increment(by: Int64(published))
            // Unsent only because a parked row stopped the sending: not a failure, the next round sends them.
            let onlyNotSent = results[settled...].allSatisfy { if case .failure(let error) = $0 { error == .notSent } else { false } }
            return Round(read: rows.count, settled: settled, retryLater: settled < results.count && !(onlyNotSent && !parked.isEmpty))
        }
    }

    /// What a round did: rows read, rows settled (published or parked), and whether a failure that may pass
    /// stopped it.
    struct Round {
        let read: Int
        let settled: Int
        let retryLater: Bool
    }

    /// A row sent in a round, as far as settling it needs.
    struct SentRow {
        let id: Int64
        let eventId: String
        let topic: String
    }

    /// Keeps rows Kafka refused for good out of the way (in the round's transaction, with the progress move).
    private func park(_ parked: [(row: SentRow, error: KafkaError)], on connection: PostgresConnection) async throws {
        for (row, error) in parked {
            try await connection.query(
                """
                INSERT INTO outbox_parked (id, event_id, topic, message_key, event_type, event_source, event_time, subject, payload, error,
                                           trace_parent, trace_state)
                SELECT id, event_id, topic, message_key, event_type, event_source, event_time, subject, payload, \(error.description),
                       trace_parent, trace_state
                FROM outbox_message WHERE id = \(row.id)
                ON CONFLICT (id) DO NOTHING
                """,
                logger: logger)
            logger.error(
                "ALERT outbox row parked: Kafka refused it for good; it stays in outbox_parked",
                metadata: ["outbox_id": "\(row.id)", "event_id": "\(row.eventId)", "topic": "\(row.topic)", "error": "\(error.name)"])
        }
        metrics.outboxParked.increment(by: Int64(parked.count))
    }

    func updateBacklogMetrics() async {
        do {
            let row = try await client.query(
                """
                SELECT count(*)::bigint, COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), 0)::float8
                FROM outbox_unpublished
                """, logger: logger
            ).collect().first
            if let (count, age) = try row?.decode((Int64, Double).self) {
                metrics.outboxBacklog.set(Double(count))
                metrics.outboxOldestAge.set(age)
            }
        } catch {
            logger.debug("outbox metrics query failed", metadata: ["error": "\(error)"])
        }
    }

    /// Published rows are kept a day for inspection, then deleted. The cut-off is found by walking the primary key
    /// from the oldest row to the first younger than a day: a scan of what is deleted, not of the whole table.
    func prunePublished() async {
        do {
            try await client.query(
                """
                DELETE FROM outbox_message
                WHERE id <= (SELECT published_through FROM outbox_relay_progress)
                  AND id < COALESCE((SELECT id FROM outbox_message WHERE created_at >= now() - interval '1 day' ORDER BY id LIMIT 1), 9223372036854775807)
                """, logger: logger)
        } catch {
            logger.debug("outbox pruning failed", metadata: ["error": "\(error)"])
        }
    }

    /// LISTENs on a connection of its own, reconnecting after errors, and turns notifications into wake-ups.
    private func listen(_ wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Outbox.channel) { notifications in
                        for try await _ in notifications { wake.yield() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("outbox LISTEN lost; reconnecting", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

extension OutboxRelay {
    /// A round's rows: the progress locked (or no rows if another replica holds it), then the rows after it. The
    /// progress need not wait for the disk (`synchronous_commit` off for the round): progress lost in a crash means
    /// those rows are published again, which consumers drop by event id anyway. The bound is a subquery, so it is an
    /// index condition (as a join it was a filter on a scan from the first row).
    struct NextRows: PostgresPreparedStatement {
        static let sql = """
            WITH progress AS (
                SELECT published_through, set_config('synchronous_commit', 'off', true)
                FROM outbox_relay_progress FOR UPDATE SKIP LOCKED
            )
            SELECT m.id, m.event_id, m.topic, m.message_key, m.event_type, m.event_source, m.event_time, m.subject, m.payload,
                   m.trace_parent, m.trace_state
            FROM outbox_message m WHERE m.id > (SELECT published_through FROM progress) ORDER BY m.id LIMIT $1
            """
        typealias Row = (Int64, String, String, String, String, String, Date, String?, String, String?, String?)

        let limit: Int

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(limit)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Moves the progress past the rows a round published.
    struct MoveProgress: PostgresPreparedStatement {
        static let sql = "UPDATE outbox_relay_progress SET published_through = $1, updated_at = now()"
        typealias Row = ()

        let publishedThrough: Int64

        func makeBindings() -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(publishedThrough)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws {}
    }
}
