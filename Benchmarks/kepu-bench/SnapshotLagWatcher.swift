import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import MetricsService
import Synchronization

/// Watches a lag run from outside the metrics service: the load's booking events as they are on their topic, and
/// `kepu.metrics.snapshots.v1`. Two measures of "event published → the snapshot carrying it published":
/// - **per event**, the definition: for each load event and each unit-and-period it changes, the time
///   from the event's record time to the record time of the first snapshot of that unit and period carrying it;
/// - **per snapshot**, an upper bound: each snapshot's record time minus its `pendingSince`, the oldest event it
///   carries (every other event in it is younger).
///
/// Which snapshot carries an event is read from the snapshots' `pendingSince`: a snapshot carries exactly the
/// events folded since the previous one of its unit and period, so the oldest of them is its `pendingSince`, and an
/// event published at `t` is in the last snapshot (by record time) whose `pendingSince` is at most `t`. When the
/// fold takes a group's events in the order they were published that is exact; when two partitions' events are
/// folded out of order, the event may in fact have been in an earlier snapshot, so the measure can only be too high.
final class SnapshotLagWatcher: Sendable {
    private let snapshots: KafkaConsumer
    private let bookings: KafkaConsumer
    /// Only events whose id starts with this prefix are the load's.
    private let eventPrefix: String

    private struct State {
        var since: Date?
        /// Per snapshot: record time minus `pendingSince`, ms.
        var snapshotLags: [Double] = []
        /// Per unit-and-period (`unit|kind|key`): its snapshots' `pendingSince` and record time, ms since 1970.
        var groupSnapshots: [String: [(pending: Int64, published: Int64)]] = [:]
        /// Per load session: the units-and-periods its events change (its path by its day's periods).
        var sessionGroups: [String: [String]] = [:]
        /// The load's events: their session and record time (ms since 1970).
        var events: [(session: String, published: Int64)] = []
    }
    private let state = Mutex(State())

    /// What the run measured.
    struct Lags {
        /// One per (event, unit and period it changes).
        var perEvent: [Double]
        /// Pairs whose carrying snapshot was not seen (none when every change was published).
        var unmatched: Int
        /// Load events of a session whose session-created the watcher did not see (none once it had joined).
        var unplaced: Int
        var perSnapshot: [Double]
        /// Pairs whose event was published before a snapshot of its unit and period that did not carry it (it was
        /// still on its way to the fold): by how long, ms. Each waits a whole interval for the next snapshot, so
        /// these are the lags over the interval.
        var missed: [Double]
    }

    init(bootstrap: String, eventPrefix: String) throws {
        self.eventPrefix = eventPrefix
        snapshots = try KafkaConsumer(configuration: .consumer(bootstrapServers: bootstrap, groupId: "bench-snapshots-\(UUID())"))
        try snapshots.subscribe(topics: [Topics.metricSnapshots.name])
        // From the end: the backlog before the load is not read again.
        bookings = try KafkaConsumer(
            configuration: .consumer(bootstrapServers: bootstrap, groupId: "bench-bookings-\(UUID())", overrides: ["auto.offset.reset": "latest"]))
        try bookings.subscribe(topics: [Topics.bookingEvents.name])
    }

    /// Snapshots of changes published from `date` on are measured.
    func start(at date: Date) { state.withLock { $0.since = date } }

    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.readSnapshots() }
            group.addTask { await self.readBookingEvents() }
        }
    }

    /// A unit and period as the watcher names it: its snapshots' and its events' common key.
    private static func groupName(unitId: String, periodKind: String, periodKey: String) -> String { "\(unitId)|\(periodKind)|\(periodKey)" }

    /// Reads `consumer` until cancelled, handing over each record, then closes it.
    private func read(_ consumer: KafkaConsumer, _ each: (KafkaConsumerMessage) -> Void) async {
        while !Task.isCancelled {
            guard let batch = try? await consumer.poll(maxMessages: 5000, maxWait: .milliseconds(50)) else { break }
            for message in batch.messages { each(message) }
        }
        await consumer.close()
    }

    private func readSnapshots() async {
        await read(snapshots) { message in
            // The backlog's snapshots (over a million after the mixed one) are skipped before they are parsed: parsing
            // them took the cores the service needed during the load.
            let since = state.withLock { $0.since?.wholeMillisecondsSince1970 }
            guard let since, let published = message.timestamp, published >= since else { return }
            guard let event = try? CloudEvent(kafkaMessage: message),
                let snapshot = try? event.decodeData(as: MetricSnapshot.self), let pending = snapshot.pendingSince?.wholeMillisecondsSince1970
            else { return }
            let group = Self.groupName(unitId: snapshot.unitId, periodKind: snapshot.periodKind, periodKey: snapshot.periodKey)
            state.withLock { state in
                // In whole milliseconds, like the record times `pendingSince` comes from.
                guard let since = state.since, pending >= since.wholeMillisecondsSince1970 else { return }
                state.snapshotLags.append(Double(published - pending))
                // A group's snapshot is one record per KPI that changed, all with the same `pendingSince`.
                var list = state.groupSnapshots.removeValue(forKey: group) ?? []
                if let last = list.last, last.pending == pending {
                    list[list.count - 1].published = max(last.published, published)
                } else {
                    list.append((pending, published))
                }
                state.groupSnapshots[group] = list
            }
        }
    }

    private func readBookingEvents() async {
        await read(bookings) { message in
            guard let published = message.timestamp, let event = try? CloudEvent(kafkaMessage: message), event.id.hasPrefix(eventPrefix),
                let session = message.key.map({ String(decoding: $0, as: UTF8.self) })
            else { return }
            var groups: [String]?
            if event.type == BookingEventType.sessionCreated, let created = try? event.decodeData(as: SessionPublished.self) {
                // The groups metrics counts the session's events in (its own rule, not a copy of it).
                groups = CounterGroup.counting(unitPath: created.unitPath, day: ShanghaiDay(created.startsAt)).map {
                    Self.groupName(unitId: $0.unitId, periodKind: $0.period.kind.rawValue, periodKey: $0.period.key)
                }
            }
            state.withLock { state in
                if let groups { state.sessionGroups[session] = groups }
                state.events.append((session, published))
            }
        }
    }

    func lags() -> Lags {
        state.withLock { state in
            var perEvent: [Double] = []
            var unmatched = 0
            var unplaced = 0
            var missed: [Double] = []
            // In record-time order, so "the last with pendingSince ≤ t" is the latest snapshot that can carry it.
            let ordered = state.groupSnapshots.mapValues { $0.sorted { $0.published < $1.published } }
            for event in state.events {
                guard let groups = state.sessionGroups[event.session] else {
                    unplaced += 1
                    continue
                }
                for group in groups {
                    guard let list = ordered[group], let index = list.lastIndex(where: { $0.pending <= event.published }) else {
                        unmatched += 1
                        continue
                    }
                    perEvent.append(Double(list[index].published - event.published))
                    if index > 0, list[index - 1].published >= event.published { missed.append(Double(list[index - 1].published - event.published)) }
                }
            }
            return Lags(perEvent: perEvent, unmatched: unmatched, unplaced: unplaced, perSnapshot: state.snapshotLags, missed: missed)
        }
    }
}
