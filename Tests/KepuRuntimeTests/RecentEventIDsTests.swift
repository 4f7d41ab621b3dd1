import KepuContracts
import KepuKafka
import Testing

@testable import KepuRuntime

@Suite("Event identities and the window of recent ids (pure)")
struct RecentEventIDsTests {
    let first = KafkaTopicPartition(topic: "kepu.fixture.v1", partition: 0)
    let second = KafkaTopicPartition(topic: "kepu.fixture.v1", partition: 1)

    @Test("an identity is its source and id together, and nothing else")
    func identity() {
        #expect(EventIdentity(source: "/a", id: "42") == EventIdentity(source: "/a", id: "42"))
        #expect(EventIdentity(source: "/a", id: "42") != EventIdentity(source: "/b", id: "42"), "two frontends may both send 42")
        #expect(EventIdentity(source: "/ab", id: "c") != EventIdentity(source: "/a", id: "bc"), "the split between them counts")
        let event = CloudEvent(id: "42", source: "/a", type: "kepu.fixture.v1", data: Array("{}".utf8))
        #expect(EventIdentity(event) == EventIdentity(source: "/a", id: "42"))
        let many = Set((0..<50_000).map { EventIdentity(source: "/frontend", id: "event-\($0)") })
        #expect(many.count == 50_000, "no two of 50,000 ids collide")
    }

    @Test("a batch is looked up per partition, in runs, and the window forgets the oldest past its capacity")
    func window() {
        let recent = RecentEventIDs(capacity: 3)
        let ids = (0..<5).map { EventIdentity(source: "/a", id: "\($0)") }
        recent.note([(first, ids[0]), (first, ids[1]), (second, ids[2]), (first, ids[3])])
        #expect(
            recent.contains([(first, ids[0]), (second, ids[0]), (second, ids[2]), (first, ids[2]), (first, ids[3]), (first, ids[4])])
                == [true, false, true, false, true, false])
        recent.note([(first, ids[4])])
        #expect(recent.contains([(first, ids[0]), (first, ids[1]), (first, ids[4])]) == [false, true, true], "0 was the oldest of four")
        recent.note([(first, ids[1])])
        #expect(recent.contains([(first, ids[3])]) == [true], "noting an id again does not push another out")
        recent.reset([first])
        #expect(recent.contains([(first, ids[4]), (second, ids[2])]) == [false, true])
        #expect(RecentEventIDs(capacity: 0).contains([(first, ids[0])]) == [false])
    }
}
