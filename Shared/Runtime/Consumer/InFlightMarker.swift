import KepuKafka
import PostgresNIO

/// The crash-loop guard: before a batch is applied, each of its partitions' offset range is committed as "in
/// flight" (`consumer_in_flight`). A runner that finds a range it did not itself finish still overlapping its new
/// batch knows a process died applying those records, and narrows down: it applies that batch in steps, each marked
/// first (one record at a time, each marked alone, once few records were in flight; see `Suspicion.stepSize`). A
/// record that was in flight alone (so marked) when a process died is the one that keeps killing it: it is
/// dead-lettered (`crash_loop`) and the partition moves on. Two or three deaths, not one per restart forever; one
/// death (a kill, a lost node) never dead-letters anything.
///
/// The marker is one statement per batch, outside the batch's transaction (it must survive the transaction's
/// death); it need not wait for the disk (a marker lost with the database server costs one more death). It is
/// written while the batch before is still being applied (reaching back over that batch's range), so a batch
/// waits for no marker in the steady state.
struct InFlightMarker: PostgresPreparedStatement {
    static let sql = """
        WITH relaxed AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true)),
        prior AS (
            SELECT topic, partition, from_offset, through_offset, (extract(epoch FROM marked_at) * 1000000)::bigint AS marked_at_us
            FROM consumer_in_flight WHERE consumer_id = $1),
        marked AS (
        INSERT INTO consumer_in_flight AS m (consumer_id, topic, partition, from_offset, through_offset, previous_done, alone)
        SELECT $1, b.topic, b.partition, b.from_offset, b.through_offset, b.previous_done, b.alone
        FROM relaxed, unnest($2::text[], $3::int[], $4::bigint[], $5::bigint[], $6::bool[], $7::bool[])
            AS b(topic, partition, from_offset, through_offset, previous_done, alone)
        ON CONFLICT (consumer_id, topic, partition) DO UPDATE SET
            deaths = CASE WHEN NOT EXCLUDED.previous_done AND EXCLUDED.from_offset <= m.through_offset AND EXCLUDED.through_offset >= m.from_offset
                          THEN m.deaths + 1 ELSE 0 END,
            lone_killer = CASE WHEN NOT EXCLUDED.previous_done AND m.alone
                                    AND EXCLUDED.from_offset <= m.from_offset AND EXCLUDED.through_offset >= m.from_offset
                               THEN m.from_offset END,
            from_offset = EXCLUDED.from_offset, through_offset = EXCLUDED.through_offset, previous_done = EXCLUDED.previous_done,
            alone = EXCLUDED.alone, marked_at = now()
        RETURNING topic, partition, deaths, lone_killer)
        SELECT marked.topic, marked.partition, marked.deaths, marked.lone_killer, prior.from_offset, prior.through_offset, prior.marked_at_us
        FROM marked LEFT JOIN prior USING (topic, partition)
        """
    /// Topic, partition, deaths, the lone killer's offset, and the range marked before this one (from, through,
    /// when, in microseconds).
    typealias Row = (String, Int32, Int32, Int64?, Int64?, Int64?, Int64?)

    struct Range {
        var partition: KafkaTopicPartition
        var from: Int64
        var through: Int64
        /// The partition's marker is this runner's own (its batch applied, or being applied and covered by this
        /// range): not a sign of a death. (The column keeps its first name.)
        var previousDone: Bool
        /// Applied alone because a process died applying its batch: only a record marked so, found open after
        /// another death, is named the killer (a batch of one record, under light load, is no such proof).
        var alone: Bool
    }

    let consumerId: String
    let ranges: [Range]

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 7)
        bindings.append(consumerId)
        bindings.append(ranges.map(\.partition.topic))
        bindings.append(ranges.map(\.partition.partition))
        bindings.append(ranges.map(\.from))
        bindings.append(ranges.map(\.through))
        bindings.append(ranges.map(\.previousDone))
        bindings.append(ranges.map(\.alone))
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }

    /// What the markers found: partitions where a process died with records in flight, and the records that were
    /// in flight alone when one did.
    struct Suspicion {
        var diedOn: Set<KafkaTopicPartition> = []
        var killers: Set<KafkaRecordPosition> = []
        /// Per partition, the offsets in flight when the process died: those marked last before the death (a whole
        /// batch, or one step of a careful pass), where the record that killed it, if one did, must be.
        var inFlightAtDeath: [KafkaTopicPartition: ClosedRange<Int64>] = [:]
        var isEmpty: Bool { diedOn.isEmpty && killers.isEmpty }

        /// Whether `message` was in flight when the process died.
        func wasInFlight(_ message: KafkaConsumerMessage) -> Bool {
            inFlightAtDeath[message.topicPartition]?.contains(message.offset) ?? false
        }

        /// How many of the `suspects` (records that were in flight at the death) to mark and apply at a time. At
        /// most `aloneBelow` are applied one at a time, each marked alone; more in steps of about their square
        /// root, so a death in a step narrows the next start to one step. A record that kills the process is then
        /// found in three deaths at most (batch, step, alone), and one death costs about 2·√n statements, not 2·n.
        /// Counted in records, not offsets: a batch spread over many partitions is narrow in each.
        static func stepSize(suspects: Int, aloneBelow: Int = 512) -> Int {
            guard suspects > aloneBelow else { return 1 }
            return Int(Double(suspects).squareRoot().rounded(.up))
        }
    }

    /// Per partition, the records in flight at a death that no batch of this runner has reached past yet. The
    /// first batch after a restart may hold only some of them (a fetch is cut at a size or a wait); the batches
    /// after it must apply the rest carefully too. Forgotten, the next batch applied them at once, and a killer
    /// among them cost a death more (and the guard's bound, three, was broken under load).
    struct SuspectsLeft {
        var ranges: [KafkaTopicPartition: ClosedRange<Int64>] = [:]

        /// What the markers found for `batch`, with the suspects left of an earlier death that it holds (as if its
        /// markers had found them). A range the batch reaches past is done with after it.
        mutating func carry(_ found: Suspicion, into batch: KafkaConsumerBatch) -> Suspicion {
            for (partition, range) in found.inFlightAtDeath { ranges[partition] = range }
            guard !ranges.isEmpty else { return found }
            var suspicion = found
            for (partition, next) in batch.nextOffsets {
                guard let range = ranges[partition] else { continue }
                if suspicion.inFlightAtDeath[partition] == nil,
                    batch.messages.contains(where: { $0.topicPartition == partition && range.contains($0.offset) })
                {
                    suspicion.inFlightAtDeath[partition] = range
                    suspicion.diedOn.insert(partition)
                }
                if next > range.upperBound { ranges[partition] = nil }
            }
            return suspicion
        }
    }

    /// What this runner marked last on a partition: from where, and whether that batch is applied.
    struct Own {
        var from: Int64
        var finished: Bool
    }

    /// Marks `messages`' partitions in flight; returns what earlier markers say, and the first offset marked on
    /// each partition. On a partition whose last marker is the runner's own (`own`), marking is no death; if that
    /// batch is still being applied, the new range reaches back over it, so a death in either finds both in flight.
    static func mark(
        _ messages: [KafkaConsumerMessage], consumer: String, own: [KafkaTopicPartition: Own], alone: Bool = false,
        client: PostgresClient, logger: Logger
    ) async throws -> (suspicion: Suspicion, from: [KafkaTopicPartition: Int64]) {
        var ranges: [KafkaTopicPartition: Range] = [:]
        // A batch comes in runs of one partition: the table is visited once a run, not once a record.
        var run: Range?
        func close(_ run: Range) {
            if var range = ranges[run.partition] {
                range.from = min(range.from, run.from)
                range.through = max(range.through, run.through)
                ranges[run.partition] = range
            } else {
                ranges[run.partition] = run
            }
        }
        for index in messages.indices {
            let offset = messages[index].offset
            if let current = run, current.partition.partition == messages[index].partition, current.partition.topic == messages[index].topic {
                run?.from = min(current.from, offset)
                run?.through = max(current.through, offset)
                continue
            }
            if let run { close(run) }
            let partition = messages[index].topicPartition
            run = Range(partition: partition, from: offset, through: offset, previousDone: own[partition] != nil, alone: alone)
        }
        if let run { close(run) }
        for (partition, previous) in own where !previous.finished {
            if let from = ranges[partition]?.from { ranges[partition]?.from = min(from, previous.from) }
        }
        let from = ranges.mapValues(\.from)
        guard !ranges.isEmpty else { return (Suspicion(), from) }
        var suspicion = Suspicion()
        var died: [(partition: KafkaTopicPartition, range: ClosedRange<Int64>, markedAt: Int64)] = []
        var lastMarkedAt = Int64.min
        for try await (topic, partition, deaths, killer, priorFrom, priorThrough, priorMarkedAt) in try await client.execute(
            InFlightMarker(consumerId: consumer, ranges: Array(ranges.values)), logger: logger)
        {
            let position = KafkaTopicPartition(topic: topic, partition: partition)
            if let killer {
                suspicion.killers.insert(KafkaRecordPosition(partition: position, offset: killer))
            } else if deaths > 0 {
                suspicion.diedOn.insert(position)
                if let priorFrom, let priorThrough, let priorMarkedAt, priorFrom <= priorThrough {
                    died.append((position, priorFrom...priorThrough, priorMarkedAt))
                }
            } else {
                continue
            }
            lastMarkedAt = max(lastMarkedAt, priorMarkedAt ?? .min)
        }
        // Markers older than the last one before the death (a killer's included) are steps that committed before
        // it, or records it never reached.
        for entry in died where entry.markedAt == lastMarkedAt { suspicion.inFlightAtDeath[entry.partition] = entry.range }
        return (suspicion, from)
    }
}

/// One record's place: its partition and offset.
struct KafkaRecordPosition: Hashable, Sendable {
    let partition: KafkaTopicPartition
    let offset: Int64
}
