import CRdKafka
import KepuKafka
import Synchronization
import Testing

@Suite("Faults: broker outages, request errors, back-pressure")
struct FaultTests {
    @Test("a broker taken down and brought back loses no acknowledged record")
    func brokerDownAndUp() async throws {
        let cluster = try makeCluster(brokers: 3)
        let topic = uniqueName("outage")
        try cluster.createTopic(topic, partitions: 3, replicationFactor: 3)
        // The mock picks leaders itself and does not move them when a broker goes down: broker 1 leads partition 0
        // here, so the outage blocks that partition's records (without it, broker 1 may lead nothing of the topic).
        try cluster.setPartitionLeader(topic, partition: 0, brokerId: 1)
        let producer = try producer(cluster)
        // Send in the background while broker 1 goes away and comes back. The broker goes down only once rounds are
        // being sent (on a loaded machine the task may start late), so rounds are sent into the outage.
        let roundsSent = Atomic(0)
        let sending = Task {
            var acknowledged: [String] = []
            var slowestRound = Duration.zero
            for round in 0..<20 {
                let messages = (0..<50).map { KafkaProducerMessage(topic: topic, key: Array("k\($0)".utf8), value: Array("\(round)-\($0)".utf8)) }
                let started = ContinuousClock.now
                for (message, result) in zip(messages, await producer.send(messages)) {
                    if case .success = result { acknowledged.append(String(decoding: message.value, as: UTF8.self)) }
                }
                slowestRound = max(slowestRound, ContinuousClock.now - started)
                roundsSent.add(1, ordering: .releasing)
                try await Task.sleep(for: .milliseconds(100))
            }
            return (acknowledged, slowestRound)
        }
        while roundsSent.load(ordering: .acquiring) < 2 { try await Task.sleep(for: .milliseconds(20)) }
        try cluster.setBrokerDown(1)
        try await Task.sleep(for: .seconds(2))
        try cluster.setBrokerUp(1)
        let (acknowledged, slowestRound) = try await sending.value
        #expect(acknowledged.count == 1000, "every record is eventually acknowledged: the producer retries")
        // The outage was felt: a round sent while the broker was down waited for it (the mock keeps a down broker's
        // partitions led by it), which a round normally never does.
        #expect(slowestRound > .milliseconds(500), "no round waited for the broker: was it down? \(slowestRound)")

        let consumer = try consumer(cluster, group: uniqueName("g"), topics: [topic])
        let received = try await consume(consumer, count: acknowledged.count, timeout: .seconds(60))
        #expect(Set(received.map(\.text)).isSuperset(of: acknowledged))
        #expect(received.count == acknowledged.count, "the idempotent producer wrote no duplicates")
        await consumer.close()
        await producer.shutdown()
    }

    @Test("injected produce errors are retried until the send succeeds")
    func retriedToSuccess() async throws {
        let (cluster, topic) = try clusterWithTopic("retry", partitions: 1)
        let producer = try producer(cluster, ["retry.backoff.ms": "10"])
        _ = try await producer.send(KafkaProducerMessage(topic: topic, value: Array("warm-up".utf8)))
        cluster.pushRequestErrors(.produce, Array(repeating: RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, count: 3))
        let report = try await producer.send(KafkaProducerMessage(topic: topic, value: Array("after errors".utf8)))
        #expect(report.offset == 1)
        await producer.shutdown()
    }

    @Test("when retries run out the sender gets a typed, retriable error")
    func retriesExhausted() async throws {
        let (cluster, topic) = try clusterWithTopic("exhaust", partitions: 1)
        let producer = try producer(cluster, ["retries": "2", "retry.backoff.ms": "10"])
        _ = try await producer.send(KafkaProducerMessage(topic: topic, value: Array("warm-up".utf8)))
        cluster.pushRequestErrors(.produce, Array(repeating: RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, count: 10))
        let error = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerMessage(topic: topic, value: Array("doomed".utf8)))
        }
        #expect(error?.name == "NOT_ENOUGH_REPLICAS")
        #expect(error?.isRetriable == true)
        await producer.shutdown()
    }

    @Test("a full local queue makes senders wait instead of failing or growing")
    func backPressure() async throws {
        let cluster = try makeCluster(brokers: 1)
        let topic = uniqueName("pressure")
        try cluster.createTopic(topic, partitions: 1)
        try cluster.setRoundTripTime(1, .milliseconds(20))
        let producer = try producer(cluster, ["queue.buffering.max.messages": "20", "linger.ms": "0", "batch.num.messages": "5"])
        let highWater = Atomic(0)
        let sampling = Task {
            while !Task.isCancelled {
                let pending = producer.pendingCount
                highWater.max(pending)
                try? await Task.sleep(for: .milliseconds(2))
            }
        }
        let messages = (0..<400).map { KafkaProducerMessage(topic: topic, value: Array("\($0)".utf8)) }
        let results = await producer.send(messages)
        sampling.cancel()
        #expect(results.allSatisfy { (try? $0.get()) != nil }, "every record is delivered despite the tiny queue")
        let offsets = results.compactMap { try? $0.get().offset }
        #expect(offsets == Array(0..<400).map(Int64.init), "in order, once each")
        #expect(highWater.load(ordering: .relaxed) <= 20 + 5, "the local queue stayed bounded")
        #expect(highWater.load(ordering: .relaxed) >= 10, "the queue really filled up, so senders had to wait")
        await producer.shutdown()
    }

    @Test("shutdown fails what cannot be delivered in time, and later sends fail at once")
    func shutdownFailsPending() async throws {
        let cluster = try makeCluster(brokers: 1)
        let topic = uniqueName("shutdown")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try producer(cluster)
        _ = try await producer.send(KafkaProducerMessage(topic: topic, value: Array("warm-up".utf8)))
        try cluster.setBrokerDown(1)
        let pending = Task { await producer.send((0..<10).map { KafkaProducerMessage(topic: topic, value: Array("\($0)".utf8)) }) }
        try await Task.sleep(for: .milliseconds(200))
        await producer.shutdown(timeout: .milliseconds(500))
        let results = await pending.value
        #expect(results.count == 10)
        for result in results {
            #expect(throws: KafkaError.self) { try result.get() }
        }
        let late = await #expect(throws: KafkaError.self) {
            try await producer.send(KafkaProducerMessage(topic: topic, value: Array("late".utf8)))
        }
        #expect(late?.name == "_DESTROY")
    }
}

extension Atomic where Value == Int {
    func max(_ candidate: Int) {
        var current = load(ordering: .relaxed)
        while candidate > current {
            let (exchanged, original) = compareExchange(expected: current, desired: candidate, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
