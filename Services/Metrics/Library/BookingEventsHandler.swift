import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime

/// Folds `kepu.booking.events.v1` into the KPI counters. Offsets are stored with the counters in one transaction
/// (`DeliveryTracking.offsets`): a redelivered or replayed record is recognised by its offset and counts once.
struct BookingEventsHandler: EventHandler {
    static var deliveryTracking: DeliveryTracking { .offsets }
    var name: String { "booking-events" }
    var topics: [String] { [Topics.bookingEvents.name] }
    let sessions: SessionCache
    /// Events folded per second, for the snapshot publisher's busy mode.
    var foldRate = FoldRate(busyAbove: MetricsSettings.defaults.busyEventsPerSecond)
    /// Signalled when a batch gave a group with nothing pending a change: the snapshot publisher (if it runs in
    /// this replica) looks at once, rather than at its next poll.
    var snapshotsWanted = Wakeup()
    /// Units the database holds, shared by metrics' handlers (see `KnownUnits`).
    var knownUnits = KnownUnits()

    func decode(_ event: CloudEvent, from message: KafkaConsumerMessage) throws(PoisonMessage) -> BookingFact {
        try BookingFact.decode(event)
    }

    func apply(_ commands: [ReceivedCommand<BookingFact>], in transaction: HandlerTransaction) async throws {
        let store = MetricsStore(connection: transaction.connection, logger: transaction.logger)
        let referenced = Set(commands.compactMap { $0.command.sessionId })
        var known = sessions.lookup(referenced)
        let loaded = try await store.loadSessions(referenced.subtracting(known.keys).sorted())
        sessions.remember(loaded)
        for session in loaded { known[session.sessionId] = session }

        // Sessions seen for the first time (at their first session-created, or a session-changed for a session never
        // seen, which counts as its creation) are inserted together, before the batch is folded in order.
        var firstSight: [String: SessionPublished] = [:]
        var firstSightOrder: [SessionPublished] = []
        for received in commands {
            if case .sessionPublished(let published, _) = received.command, known[published.sessionId] == nil, firstSight[published.sessionId] == nil
            {
                firstSight[published.sessionId] = published
                firstSightOrder.append(published)
            }
        }
        let inserted = try await store.insertSessions(firstSightOrder)
        // The next batches find these in the cache (most of a session's bookings come after the batch creating it).
        transaction.afterCommit { [sessions] in sessions.remember(inserted.values) }

        var fold = MetricsFold()
        var newPaths: [[String]] = []
        for received in commands {
            let timestamp = received.message.timestamp
            switch received.command {
            case .sessionPublished(let published, let created):
                let facts = SessionFacts(published: published)
                if known[published.sessionId] == nil {
                    if inserted[published.sessionId] != nil {
                        fold.offer(facts, newSession: true, capacityChange: published.capacity, at: timestamp)
                        newPaths.append(published.unitPath)
                    }
                    known[published.sessionId] = facts
                } else if !created, let session = known[published.sessionId],
                    let before = try await store.changeCapacity(session: published.sessionId, to: published.capacity)
                {
                    fold.offer(session, newSession: false, capacityChange: published.capacity - before, at: timestamp)
                }
            // A repeated session-created (the same session at a later offset) changes nothing.
            case .sessionClosed(let id):
                try await store.markClosed(session: id)
            case let fact:
                fold.fold(fact, session: fact.sessionId.flatMap { known[$0] }, at: timestamp)
            }
        }
        let earliest = fold.earliestEvent
        if try await store.addCounters(fold.groupDeltas, earliest: earliest) {
            transaction.afterCommit { [snapshotsWanted] in snapshotsWanted.signal() }
        }
        try await store.setReach(try await store.addReach(fold.reached), earliest: earliest)
        try await store.addSessionTallies(fold.sessionDeltas)
        // Last, just before the commit (see `ensureUnits`).
        try await store.ensureUnits(onPaths: newPaths, known: (knownUnits, transaction))
        // Counted when the batch commits would be exact; here it is when the batch is applied, close enough for a rate.
        foldRate.note(commands.count)
        if fold.unattributed > 0 {
            transaction.logger.debug("events for sessions metrics never saw were not counted", metadata: ["count": "\(fold.unattributed)"])
        }
    }
}
