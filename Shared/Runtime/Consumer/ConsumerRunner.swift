import Foundation
import KepuContracts
import KepuKafka
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Tracing

/// Runs one `EventHandler`: one poll's batch → dead letters for records that can never succeed → one transaction
/// (inbox insert, handler, outbox) → commit → offsets stored. Transient failures retry the same batch with
/// backoff; nothing is skipped. On graceful shutdown it finishes the batch in hand, then leaves the group.
public final class ConsumerRunner<Handler: EventHandler>: Service, Sendable {
    let handler: Handler
    let consumer: KafkaConsumer
    let producer: KafkaProducer
    let client: PostgresClient
    let deadLetterTopic: String
    let consumerId: String
    let batchSize: Int
    let batchWait: Duration
    let logger: Logger
    let metrics: ServiceMetrics
    let hooks: RunnerHooks
    /// For `DeliveryTracking.offsets`: the last event ids of each partition, to drop events sent twice upstream.
    let recentEvents: RecentEventIDs?
    /// Where a committed batch that continued a trace is noted, for the service's later work (`TracedCommits`).
    let tracedCommits: TracedCommits?
    private let stopping = Atomic(false)
    /// Whether the batch handed to `apply` last is done (so the next batch stops growing and starts).
    private let applied = Atomic(true)
    /// Partitions whose `consumer_offsets` row a committed transaction of this runner has seen (rows are never
    /// deleted), so their lock needs no insert first.
    private let offsetRows = Mutex(Set<KafkaTopicPartition>())
    /// Per partition, what this runner marked in flight last (so its own marker there is no sign of a death), and
    /// the number of the batch that marked it (so only that batch's end marks it finished).
    private let ownMarkers = Mutex([KafkaTopicPartition: (marker: InFlightMarker.Own, batch: Int)]())
    /// Whether the inbox holds ids recorded before it knew sources (nil: not asked yet).
    private let legacyInbox = Mutex<Bool?>(nil)
    /// The records in flight at a death that no batch has reached past yet.
    private let suspectsLeft = Mutex(InFlightMarker.SuspectsLeft())
    /// When a consumer that kept an inbox before it kept offsets last recorded an event there, plus a grace, in ms
    /// since 1970 (`.some(nil)`: it kept none; nil: not asked yet, which is once per runner).
    private let earlierInbox = Mutex<Int64??>(nil)

    public init(
        handler: Handler, consumer: KafkaConsumer, producer: KafkaProducer, client: PostgresClient, consumerId: String,
        deadLetterTopic: String, batchSize: Int, batchWait: Duration, metrics: ServiceMetrics, recentEvents: RecentEventIDs? = nil,
        tracedCommits: TracedCommits? = nil, hooks: RunnerHooks = RunnerHooks(), logger: Logger
    ) {
        self.tracedCommits = tracedCommits
        self.handler = handler
        self.consumer = consumer
        self.producer = producer
        self.client = client
        self.consumerId = consumerId
        self.deadLetterTopic = deadLetterTopic
        self.batchSize = batchSize
        self.batchWait = batchWait
        self.metrics = metrics
        self.hooks = hooks
        self.recentEvents = recentEvents
        self.logger = logger
    }

    public func run() async throws {
        try consumer.subscribe(topics: handler.topics)
        let lagTask = Task { [consumer, metrics, consumerId] in
            while !Task.isCancelled {
                metrics.recordLag(consumer.lag(), group: consumerId)
                try? await Task.sleep(for: .seconds(5))
            }
        }
        defer { lagTask.cancel() }
        await withGracefulShutdownHandler {
            // Two stages: while one batch is applied (its transaction, then its offsets), the next is polled and
            // decoded. Batches are still applied one at a time, in order. A batch is what has arrived: the poll
            // returns with the first records, and what arrives while the previous batch is applied is added (and
            // decoded) until it is done. So a request that finds the runner idle is applied at once, and under load
            // a batch grows to what came during one transaction (group commit), without a fixed wait to fill it.
            // Each polled part is decoded in a task of its own; a bulk fold also reads its next batch ahead.
            var applying: Task<Void, Never>?
            var appliedSignal: AsyncStream<Void>?
            var readAhead: Task<KafkaConsumerBatch?, any Error>?
            var batchNumber = 0
            var previousCareful = false
            while !stopping.load(ordering: .acquiring) {
                let first: KafkaConsumerBatch?
                do {
                    if let ahead = readAhead {
                        readAhead = nil
                        first = try await ahead.value
                    } else {
                        first = try await consumer.poll(maxMessages: batchSize, maxWait: batchWait, returnEarly: true)
                    }
                } catch {
                    logger.error("consumer poll failed", metadata: ["error": "\(error)"])
                    if (error as? KafkaError)?.isFatal == true { break }
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                guard let first else { break }
                guard !first.isEmpty else { continue }
                let started = ContinuousClock.now
                var decoding = [startDecoding(first)]
                var parts = [first]
                var count = first.count
                if applying != nil {
                    // Short polls, so the batch starts soon after the previous one is done. A failed poll only
                    // leaves its records to the next batch.
                    while count < batchSize, !applied.load(ordering: .acquiring), !stopping.load(ordering: .acquiring),
                        let more = try? await consumer.poll(maxMessages: batchSize - count, maxWait: .milliseconds(2), returnEarly: true)
                    {
                        guard !more.isEmpty else { continue }
                        decoding.append(startDecoding(more))
                        parts.append(more)
                        count += more.count
                    }
                }
                if handler.batchSize != nil, count >= batchSize, !stopping.load(ordering: .acquiring) {
                    // A bulk fold's full batch: more is waiting, so the next batch is read (librdkafka's records made
                    // Swift values, on the consumer's thread) while this one is decoded, not after. Only for bulk
                    // folds: a consumer fed as it goes would take what little has arrived (docs/benchmarks.md).
                    readAhead = Task { [consumer, batchSize, batchWait] in
                        try await consumer.poll(maxMessages: batchSize, maxWait: batchWait, returnEarly: true)
                    }
                }
                var decoded = DecodedBatch()
                for part in decoding { add(await part.value, to: &decoded) }
                let batch = KafkaConsumerBatch(joining: parts)
                // The crash-loop guard: the batch is marked in flight (committed) before it is applied, while the
                // batch before is still being applied, unless that one is being applied in careful steps (each
                // step's marker must stay as it is until the step is done).
                if previousCareful, let previous = appliedSignal {
                    for await _ in previous {}
                    appliedSignal = nil
                }
                batchNumber += 1
                guard let suspicion = await markInFlight(batch, number: batchNumber) else { break }
                previousCareful = !suspicion.isEmpty
                if let previous = appliedSignal { for await _ in previous {} }
                applied.store(false, ordering: .releasing)
                // The next batch waits for this signal, not for the task: the task then lets go of the batch (tens of
                // thousands of records freed) beside the next batch's work, not before it.
                let (signal, done) = AsyncStream.makeStream(of: Void.self)
                appliedSignal = signal
                let previousTask = applying
                applying = Task(priority: .high) { [decoded, batchNumber] in
                    await self.apply(decoded, of: batch, number: batchNumber, after: suspicion, started: started)
                    self.applied.store(true, ordering: .releasing)
                    done.finish()
                    await previousTask?.value
                }
            }
            // Read ahead but never applied: its offsets are not stored, so it is read again after a restart.
            _ = try? await readAhead?.value
            await applying?.value
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .releasing)
        }
        await clearInFlightMarkers()
        await consumer.close()
    }

    /// A batch's records as commands, and the ones that can never be processed, as dead letters.
    struct DecodedBatch: Sendable {
        var commands: [ReceivedCommand<Handler.Command>] = []
        var poisoned: [DeadLetter] = []
        /// The events decoded so far, to drop a repeat within the batch.
        var seen = Set<EventIdentity>()
    }

    /// Starts decoding a polled part of a batch in a task of its own, beside the polls that follow it. At low
    /// priority: the batch being applied waits on the database between its steps, and each time it resumes it should
    /// not queue behind the next batch's decoding (that queueing made a metrics transaction half again as long).
    func startDecoding(_ part: KafkaConsumerBatch) -> Task<DecodedBatch, Never> {
        Task(priority: .low) { self.decode(part.messages) }
    }

    /// Adds a decoded part to a batch, in order. A repeat within the batch is the same as a repeat across batches:
    /// the inbox keeps the first. (With offsets, the transaction drops repeats, so that their offsets still advance.)
    func add(_ part: DecodedBatch, to decoded: inout DecodedBatch) {
        decoded.poisoned += part.poisoned
        guard Handler.deliveryTracking == .inbox else {
            decoded.commands += part.commands
            return
        }
        for command in part.commands {
            if decoded.seen.insert(command.received.identity).inserted {
                decoded.commands.append(command)
            } else {
                metrics.handlerEvents(handler.name, outcome: "duplicate").increment()
            }
        }
    }

    /// Records as commands, or as dead letters if they can never be processed.
    func decode(_ messages: [KafkaConsumerMessage]) -> DecodedBatch {
        var decoded = DecodedBatch()
        decoded.commands.reserveCapacity(messages.count)
        var reader = CloudEventReader()
        for message in messages {
            do {
                let event = try reader.read(message)
                decoded.commands.append(ReceivedCommand(command: try decodeCommand(event, message), event: event, message: message))
            } catch let error as EnvelopeError {
                decoded.poisoned.append(DeadLetter(failed: message, consumer: consumerId, errorCode: error.code, error: error.detail))
            } catch let error as PoisonMessage {
                decoded.poisoned.append(DeadLetter(failed: message, consumer: consumerId, errorCode: error.code, error: error.reason))
            } catch {
                decoded.poisoned.append(DeadLetter(failed: message, consumer: consumerId, errorCode: "decode_failed", error: "\(error)"))
            }
        }
        return decoded
    }

    /// Marks `batch` in flight (`InFlightMarker`); returns what the markers found, or nil if the service is stopping
    /// (the batch is then not applied).
    func markInFlight(_ batch: KafkaConsumerBatch, number: Int) async -> InFlightMarker.Suspicion? {
        var suspicion = InFlightMarker.Suspicion()
        let marked = await retryingTransient("in-flight marker") {
            let own = self.ownMarkers.withLock { $0.mapValues(\.marker) }
            let (found, from) = try await InFlightMarker.mark(
                batch.messages, consumer: self.consumerId, own: own, client: self.client, logger: self.logger)
            // With the suspects of an earlier death that the batch holds.
            suspicion = self.suspectsLeft.withLock { $0.carry(found, into: batch) }
            self.ownMarkers.withLock { markers in
                for (partition, from) in from { markers[partition] = (InFlightMarker.Own(from: from, finished: false), number) }
            }
        }
        return marked ? suspicion : nil
    }

    /// Dead letters, then the commands in one transaction (narrowed down by halves if the batch fails for good),
    /// then the offsets: returns only when all of it has succeeded, never with the batch half done, unless the
    /// service is stopping (then the batch's offsets are not stored, and it is delivered again after a restart).
    /// The batch is marked in flight already (`markInFlight`, number `number`), which found `suspicion`.
    func apply(
        _ decoded: DecodedBatch, of batch: KafkaConsumerBatch, number: Int, after suspicion: InFlightMarker.Suspicion,
        started: ContinuousClock.Instant
    ) async {
        var commands = decoded.commands
        var poisoned = decoded.poisoned
        if !suspicion.killers.isEmpty {
            // In flight alone when a process died: the record that keeps killing it.
            commands.removeAll { command in
                guard suspicion.killers.contains(KafkaRecordPosition(partition: command.message.topicPartition, offset: command.message.offset))
                else { return false }
                poisoned.append(
                    DeadLetter(
                        failed: command.message, consumer: consumerId, errorCode: "crash_loop",
                        error: "the process died twice while applying this record"))
                return true
            }
        }
        let lettersOut = await retryingTransient("dead letters") {
            // With offsets, a partition is re-read from before its stored offset (to refill the recent-events window):
            // what lies before it was settled already, dead letters included.
            let letters = Handler.deliveryTracking == .offsets ? try await self.unsettled(poisoned) : poisoned
            try await self.publishDeadLetters(letters)
        }
        guard lettersOut else { return }
        var failedAlone: [DeadLetter] = []
        let careful = !suspicion.diedOn.isEmpty
        if careful {
            logger.warning(
                "a process died applying these records; applying them in steps, each marked in flight",
                metadata: ["partitions": "\(suspicion.diedOn.map(\.description))"])
        }
        // With tracing on, the batch is applied in a span of its own: the events it emits carry its context.
        let traced = BusTracing.processSpan(
            handler: handler.name, consumer: consumerId, events: commands.lazy.map { $0.event }, count: commands.count)
        defer { traced?.end() }
        let appliedAll = await BusTracing.within(traced) {
            await retryingTransient("batch") {
                if careful {
                    failedAlone = try await self.applyCarefully(commands, after: suspicion)
                    return
                }
                do {
                    // The batch's dead letters are out, so with offsets the whole batch is settled by this transaction.
                    try await self.applyInTransaction(commands, settledThrough: batch.nextOffsets)
                } catch  where !TransientError.isTransient(error) {
                    // Something in the batch can never succeed: find it by halves (the good halves commit as they go).
                    self.logger.warning(
                        "batch failed; narrowing it down by halves", metadata: ["error": "\(error)", "commands": "\(commands.count)"])
                    failedAlone = try await self.isolateFailures(commands[...])
                }
            }
        }
        guard appliedAll else { return }
        guard await retryingTransient("dead letters", { try await self.publishDeadLetters(failedAlone) }) else { return }
        if careful || !failedAlone.isEmpty {
            // Applied record by record, or dead-lettered for good: with offsets, move past the whole batch so a
            // restart does not read it again.
            guard await retryingTransient("offsets", { try await self.applyInTransaction([], settledThrough: batch.nextOffsets) }) else { return }
        }
        ownMarkers.withLock { markers in
            // A partition marked again since (by the next batch, reaching back over this one) is not finished.
            for partition in batch.nextOffsets.keys where markers[partition]?.batch == number { markers[partition]?.marker.finished = true }
        }
        await hooks.afterCommit()
        do {
            try consumer.markProcessed(batch)
        } catch {
            logger.warning("storing offsets failed; the batch will be redelivered and deduplicated", metadata: ["error": "\(error)"])
        }
        metrics.batchDuration(handler.name).record(ContinuousClock.now - started)
    }

    /// A graceful stop leaves no marker of its finished batches behind, so the next start does not take them for a
    /// death (a consumer that keeps offsets reads some records again at start, overlapping its last batch).
    private func clearInFlightMarkers() async {
        let partitions = ownMarkers.withLock { markers in markers.filter(\.value.marker.finished).map(\.key) }
        guard !partitions.isEmpty else { return }
        do {
            try await client.query(
                """
                DELETE FROM consumer_in_flight m USING unnest(\(partitions.map(\.topic))::text[], \(partitions.map(\.partition))::int[]) AS f(topic, partition)
                WHERE m.consumer_id = \(consumerId) AND m.topic = f.topic AND m.partition = f.partition
                """, logger: logger)
        } catch {
            logger.debug("in-flight markers not cleared; the next start applies their batch in steps", metadata: ["error": "\(error)"])
        }
    }

    /// After a death: the records that were in flight then, a step at a time (`Suspicion.stepSize`), and those between
    /// them (on other partitions, or past the range) as they come; each step marked in flight (alone, if one record)
    /// and applied in a transaction of its own. Those that fail for good are found by halves and returned as dead
    /// letters. Order within a partition is kept: a step never skips over a record of its partition.
    func applyCarefully(_ commands: [ReceivedCommand<Handler.Command>], after suspicion: InFlightMarker.Suspicion) async throws -> [DeadLetter] {
        let size = InFlightMarker.Suspicion.stepSize(suspects: commands.count { suspicion.wasInFlight($0.message) })
        var failed: [DeadLetter] = []
        var start = commands.startIndex
        while start < commands.endIndex {
            let suspect = suspicion.wasInFlight(commands[start].message)
            var end = start + 1
            while end < commands.endIndex, suspicion.wasInFlight(commands[end].message) == suspect, !suspect || end - start < size {
                end += 1
            }
            let step = commands[start..<end]
            start = end
            // The partitions' earlier markers are this runner's own, applied: marking over them is no death.
            let own = Dictionary(step.map { ($0.message.topicPartition, InFlightMarker.Own(from: $0.message.offset, finished: true)) }) { a, _ in a }
            _ = try await InFlightMarker.mark(
                step.map(\.message), consumer: consumerId, own: own, alone: suspect && step.count == 1, client: client, logger: logger)
            do {
                try await applyInTransaction(Array(step))
            } catch  where !TransientError.isTransient(error) {
                failed += try await isolateFailures(step)
            }
        }
        return failed
    }

    /// Applies `commands` in order, each half in a transaction of its own, splitting a half that fails for good
    /// until the commands that fail alone are found: their dead letters are returned. A few bad commands in a
    /// batch of n cost about 2·log2(n) transactions each, not n. Transient errors are thrown (the caller retries;
    /// halves already committed are dropped as repeats by the inbox or the stored offsets).
    func isolateFailures(_ commands: ArraySlice<ReceivedCommand<Handler.Command>>) async throws -> [DeadLetter] {
        guard commands.count > 1 else {
            guard let command = commands.first else { return [] }
            do {
                try await applyInTransaction([command])
                return []
            } catch  where !TransientError.isTransient(error) {
                return [DeadLetter(failed: command.message, consumer: consumerId, errorCode: "handler_failed", error: "\(error)")]
            }
        }
        let middle = commands.startIndex + commands.count / 2
        var failed: [DeadLetter] = []
        for half in [commands[..<middle], commands[middle...]] {
            do {
                try await applyInTransaction(Array(half))
            } catch  where !TransientError.isTransient(error) {
                failed += try await isolateFailures(half)
            }
        }
        return failed
    }

    private func decodeCommand(_ event: CloudEvent, _ message: KafkaConsumerMessage) throws(PoisonMessage) -> Handler.Command {
        try handler.decode(event, from: message)
    }

    /// Inbox (or stored offsets), handler and outbox in one transaction. Commands already seen are dropped. With
    /// offsets, `settledThrough` (per partition, the offset after records that were applied or dead-lettered)
    /// moves the stored offsets too, so dead-lettered records are not read and sent again after a restart.
    func applyInTransaction(
        _ commands: [ReceivedCommand<Handler.Command>], settledThrough: [KafkaTopicPartition: Int64] = [:]
    ) async throws {
        let settled = Handler.deliveryTracking == .offsets ? settledThrough : [:]
        guard !commands.isEmpty || !settled.isEmpty else { return }
        let span = BusTracing.applySpan(handler: handler.name, commands: commands.count)
        defer { span?.end() }
        // The handler's events go to the outbox and its after-commit work runs once committed, as for any writer.
        let applied: (fresh: Int, duplicates: Int, seen: [RecentEventIDs.Record], settledRows: Set<KafkaTopicPartition>)
        do {
            applied = try await BusTracing.within(span) {
                try await client.withOutboxTransaction(logger: logger) { transaction in
                    // A batch that continued a trace is noted before its commit: what follows from it (metrics'
                    // snapshot rounds) may run as soon as it commits. Noted and rolled back: a trace followed in vain.
                    if let tracedCommits, BusTracing.isEnabled, let context = ServiceContext.current,
                        commands.contains(where: { $0.event.traceParent != nil })
                    {
                        tracedCommits.note(context)
                    }
                    let (fresh, seen, advanced) =
                        switch Handler.deliveryTracking {
                        case .inbox:
                            (
                                try await self.newToInbox(commands, on: transaction.connection), [RecentEventIDs.Record](),
                                [KafkaTopicPartition: Int64]()
                            )
                        case .offsets: try await self.pastStoredOffsets(commands, settledThrough: settled, on: transaction.connection)
                        }
                    if !fresh.isEmpty { try await handler.apply(fresh, in: transaction) }
                    // After the handler: the rows are locked already, and this keeps a round trip out of the time from an
                    // event's publication to its effect.
                    try await ConsumerOffsets.advance(advanced, consumer: self.consumerId, on: transaction.connection, logger: self.logger)
                    return (fresh.count, commands.count - fresh.count, seen, Set(advanced.keys))
                }
            }
        } catch {
            span?.recordError(error)
            span?.setStatus(SpanStatus(code: .error))
            throw error
        }
        let (fresh, duplicates, seen, settledRows) = applied
        // Committed: only now do these records count as seen (a failed transaction is retried against the old window),
        // and only now are the partitions' offset rows sure to exist.
        recentEvents?.note(seen)
        if !settledRows.isEmpty { offsetRows.withLock { $0.formUnion(settledRows) } }
        metrics.handlerEvents(handler.name, outcome: "processed").increment(by: Int64(fresh))
        if duplicates > 0 {
            metrics.handlerEvents(handler.name, outcome: "duplicate").increment(by: Int64(duplicates))
            logger.debug("duplicate deliveries ignored", metadata: ["count": "\(duplicates)"])
        }
    }

    /// Records each command's event id in the inbox; returns the commands whose id was not there yet.
    private func newToInbox(_ commands: [ReceivedCommand<Handler.Command>], on connection: PostgresConnection) async throws -> [ReceivedCommand<
        Handler.Command
    >] {
        var inserted = Set<EventIdentity>()
        let insert = InboxInsert(consumerId: consumerId, sources: commands.map { $0.event.source }, ids: commands.map { $0.event.id })
        let legacy = try await hasLegacyInboxRows(on: connection)
        let rows =
            legacy
            ? try await connection.execute(InboxInsertBesideLegacy(insert: insert), logger: logger)
            : try await connection.execute(insert, logger: logger)
        for try await (source, id) in rows {
            inserted.insert(EventIdentity(source: source, id: id))
        }
        return commands.filter { inserted.contains($0.received.identity) }
    }

    /// Whether this consumer's inbox still holds ids recorded without their source (asked once per runner).
    private func hasLegacyInboxRows(on connection: PostgresConnection) async throws -> Bool {
        if let known = legacyInbox.withLock({ $0 }) { return known }
        let found =
            try await connection.query(
                "SELECT EXISTS (SELECT 1 FROM received_messages WHERE consumer_id = \(consumerId) AND message_source = '')", logger: logger
            ).collect().first?.decode(Bool.self) ?? false
        legacyInbox.withLock { $0 = found }
        return found
    }

    /// Locks the partitions' stored offsets and keeps the commands at or past them whose event is not among the
    /// partition's recent ones (sent again upstream), in the caller's transaction. Returns the commands kept, every
    /// record to note as seen once the transaction commits, and the offsets to advance the partitions to.
    private func pastStoredOffsets(
        _ commands: [ReceivedCommand<Handler.Command>], settledThrough: [KafkaTopicPartition: Int64], on connection: PostgresConnection
    ) async throws -> (fresh: [ReceivedCommand<Handler.Command>], seen: [RecentEventIDs.Record], next: [KafkaTopicPartition: Int64]) {
        // Closures, not key paths: a key path through `ReceivedCommand`'s accessors is applied by the runtime
        // (`swift_getAtKeyPath`, 1.5 % of the metrics fold's time), a closure is inlined.
        let records = commands.map { command -> RecentEventIDs.Record in (command.received.message.topicPartition, command.received.identity) }
        var partitions = Set(settledThrough.keys)
        for (index, record) in records.enumerated() where index == 0 || records[index - 1].partition != record.partition {
            partitions.insert(record.partition)
        }
        let stored = try await ConsumerOffsets.lock(
            partitions, existing: offsetRows.withLock { $0 }, consumer: consumerId, on: connection, logger: logger)
        var fresh: [ReceivedCommand<Handler.Command>] = []
        fresh.reserveCapacity(commands.count)
        let resent = recentEvents?.contains(records)
        var next: [KafkaTopicPartition: Int64] = [:]
        var inBatch = Set<EventIdentity>(minimumCapacity: commands.count)
        // A batch comes in runs of one partition: its stored offset is looked up once a run.
        var run: (partition: KafkaTopicPartition, stored: Int64, next: Int64)?
        for (index, command) in commands.enumerated() {
            let record = records[index]
            let isRepeat = !inBatch.insert(record.id).inserted || resent?[index] == true
            if run?.partition != record.partition {
                if let run, run.next > 0 { next[run.partition] = max(next[run.partition] ?? 0, run.next) }
                run = (record.partition, stored[record.partition] ?? 0, 0)
            }
            let offset = command.received.message.offset
            // Before the stored offset: counted already (it only refills the window).
            guard let current = run, offset >= current.stored else { continue }
            run?.next = max(current.next, offset + 1)
            if !isRepeat { fresh.append(command) }
        }
        if let run, run.next > 0 { next[run.partition] = max(next[run.partition] ?? 0, run.next) }
        for (partition, offset) in settledThrough { next[partition] = max(next[partition] ?? 0, offset) }
        return (try await notInEarlierInbox(fresh, stored: stored, on: connection), recentEvents == nil ? [] : records, next)
    }

    /// The commands the consumer's inbox does not hold, when the handler kept an inbox before it kept offsets: it
    /// starts where its group last committed (`ConsumerOffsets.startingOffsets`), or at the beginning if the group
    /// never did, and the records the inbox holds were applied already. Only records published before the inbox's
    /// last row (with ten minutes' grace for the clocks of the producers' hosts and the database's) are looked up:
    /// a record published later was never in it, so once the backlog of the switch is read nothing is looked up.
    /// The last row is read again when a partition with no stored offset is taken over (in a rolling upgrade, a
    /// replica of the earlier release may have written the inbox until it gave the partition up).
    private func notInEarlierInbox(
        _ commands: [ReceivedCommand<Handler.Command>], stored: [KafkaTopicPartition: Int64], on connection: PostgresConnection
    ) async throws -> [ReceivedCommand<Handler.Command>] {
        guard !commands.isEmpty else { return commands }
        // `stored` has the batch's partitions (at most a few dozen), so no look at each record.
        let takingOver = stored.values.contains(0)
        if takingOver || earlierInbox.withLock({ $0 }) == nil {
            let horizon = try await ConsumerOffsets.inboxHorizon(consumer: consumerId, on: connection, logger: logger)
            let graced = horizon.map { Int64($0.timeIntervalSince1970 * 1000) + 600_000 }
            // Only ever later: a horizon read before retention pruned the inbox still holds for what came before.
            earlierInbox.withLock { known in known = .some([known ?? nil, graced].compactMap { $0 }.max()) }
        }
        guard let horizon = earlierInbox.withLock({ $0 }) ?? nil else { return commands }
        let unsure = commands.filter { ($0.message.timestamp ?? 0) <= horizon }
        guard !unsure.isEmpty else { return commands }
        // Ids recorded before the inbox knew sources have an empty source (`InboxInsertBesideLegacy`).
        let rows = try await connection.query(
            """
            SELECT m.s, m.i FROM unnest(\(unsure.map(\.event.source))::text[], \(unsure.map(\.event.id))::text[]) AS m(s, i)
            WHERE EXISTS (SELECT 1 FROM received_messages r WHERE r.consumer_id = \(consumerId) AND r.message_source IN (m.s, '') AND r.message_id = m.i)
            """, logger: logger)
        var applied = Set<EventIdentity>()
        for try await (source, id) in rows.decode((String, String).self) { applied.insert(EventIdentity(source: source, id: id)) }
        return applied.isEmpty ? commands : commands.filter { !applied.contains($0.received.identity) }
    }

    /// The dead letters at or past their partition's stored offset.
    private func unsettled(_ letters: [DeadLetter]) async throws -> [DeadLetter] {
        guard !letters.isEmpty else { return [] }
        let stored = try await ConsumerOffsets.stored(consumer: consumerId, client: client, logger: logger)
        return letters.filter { letter in
            letter.sourceOffset >= stored[KafkaTopicPartition(topic: letter.sourceTopic, partition: letter.sourcePartition)] ?? 0
        }
    }

    /// Publishes dead letters; throws (to be retried) only for errors that can pass. A dead letter Kafka refuses for
    /// good is logged with where it came from and counted, and the partition goes on: retrying it would stall it.
    func publishDeadLetters(_ letters: [DeadLetter]) async throws {
        guard !letters.isEmpty else { return }
        let results = await producer.send(letters.map { $0.kafkaMessage(topic: deadLetterTopic) })
        if let retriable = results.lazy.compactMap({ if case .failure(let error) = $0, error.isRetriable { error } else { nil } }).first {
            throw DeadLetterPublishError(underlying: retriable)
        }
        for (letter, result) in zip(letters, results) {
            let origin: Logger.Metadata = [
                "topic": "\(letter.sourceTopic)", "partition": "\(letter.sourcePartition)", "offset": "\(letter.sourceOffset)",
                "error_code": "\(letter.errorCode)",
            ]
            if case .failure(let error) = result {
                metrics.deadLettersLost.increment()
                logger.error(
                    "ALERT dead letter refused by Kafka; the record stays only on its source topic",
                    metadata: origin.merging(["error": "\(error)"]) { a, _ in a })
                continue
            }
            logger.warning("record dead-lettered", metadata: origin)
        }
        metrics.deadLetters(handler.name).increment(by: Int64(letters.count))
        metrics.handlerEvents(handler.name, outcome: "dead_lettered").increment(by: Int64(letters.count))
    }

    /// Runs `body` until it succeeds, backing off between attempts. Only transient errors reach here (the body
    /// handles the others), so waiting is right: skipping would lose the batch. Returns false, without success,
    /// when the service is stopping: a graceful shutdown during an outage must not wait for the outage to end.
    private func retryingTransient(_ what: String, _ body: () async throws -> Void) async -> Bool {
        var backoff = Duration.milliseconds(100)
        while true {
            do {
                try await body()
                return true
            } catch {
                metrics.handlerErrors(handler.name).increment()
                if stopping.load(ordering: .acquiring) || Task.isCancelled {
                    logger.warning("\(what) failed while stopping; the batch will be delivered again", metadata: ["error": "\(error)"])
                    return false
                }
                logger.warning(
                    "\(what) failed; retrying",
                    metadata: [
                        "error": "\(error)",
                        "backoff_ms": "\(backoff.components.seconds * 1000 + backoff.components.attoseconds / 1_000_000_000_000_000)",
                    ])
                // Sleeps in short steps so a stop is noticed within a tenth of a second.
                let until = ContinuousClock.now + backoff
                while ContinuousClock.now < until, !stopping.load(ordering: .acquiring) {
                    try? await Task.sleep(for: min(.milliseconds(100), until - .now))
                }
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }
}

/// Test seams: what happens between the database commit and the offset store (a test kills the process there).
public struct RunnerHooks: Sendable {
    public var afterCommit: @Sendable () async -> Void
    public init(afterCommit: @escaping @Sendable () async -> Void = {}) {
        self.afterCommit = afterCommit
    }
}

struct DeadLetterPublishError: Error, CustomStringConvertible {
    let underlying: KafkaError
    var description: String { "dead letter not acknowledged: \(underlying)" }
}
