import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import KepuRuntime

/// Outbox ids are in commit order, which is what lets the relay read on from the last id it published.
@Suite("Outbox order")
struct OutboxOrderTests {
    static let logger = Logger(label: "test.outbox-order")

    static func event(_ name: String) -> OutgoingEvent {
        OutgoingEvent(
            topic: "kepu.test.results.v1", key: "one-key",
            event: CloudEvent(id: name, source: "/tests", type: "kepu.test.applied.v1", data: Array("{}".utf8)))
    }

    @Test("an append waits for an earlier uncommitted one; the relay publishes both, in order, and only once")
    func appendsCommitInIdOrder() async throws {
        try await OutboxFixture.with(logger: Self.logger) { fixture in
            let (client, logger) = (fixture.client, fixture.logger)
            let relay = fixture.relay()
            let secondReplica = fixture.relay()

            // First: appended, not committed until released.
            let (release, released) = AsyncStream<Void>.makeStream()
            let (appended, firstAppended) = AsyncStream<Void>.makeStream()
            let first = Task {
                try await client.withTransaction(logger: logger) { connection in
                    try await Outbox.append([Self.event("first")], on: connection, logger: logger)
                    firstAppended.yield()
                    for await _ in release { break }
                }
            }
            for await _ in appended { break }
            // Second: its append has to wait for the first's commit.
            let secondDone = Atomic(false)
            let second = Task {
                try await client.withOutboxTransaction(logger: logger) { transaction in transaction.emit(Self.event("second")) }
                secondDone.store(true, ordering: .releasing)
            }
            try await Task.sleep(for: .milliseconds(500))
            let secondFinishedEarly = secondDone.load(ordering: .acquiring)
            #expect(!secondFinishedEarly, "the second append did not wait for the first transaction")
            #expect(try await relay.publishOnce().settled == 0, "nothing committed yet")

            released.yield()
            try await first.value
            try await second.value
            #expect(try await relay.publishOnce().settled == 2)
            // The progress is shared: another replica's relay finds nothing left either.
            #expect(try await relay.publishOnce().settled == 0)
            #expect(try await secondReplica.publishOnce().settled == 0)

            try await client.withOutboxTransaction(logger: logger) { transaction in transaction.emit(Self.event("third")) }
            #expect(try await secondReplica.publishOnce().settled == 1)
            #expect(try await relay.publishOnce().settled == 0, "published by the other replica")
            let published = try await readTopic("kepu.test.results.v1", cluster: fixture.cluster, atLeast: 3, quiet: .seconds(2))
            #expect(published.compactMap { try? CloudEvent(kafkaMessage: $0).id } == ["first", "second", "third"])
        }
    }
}
