import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuTestSupport
import Testing

/// The `kepu` tool prints records the way an operator needs them, without the contact details residents gave booking.
@Suite("kepu tail and personal data", .serialized, .startsServiceProcesses)
struct PersonalDataToolTests {
    @Test("tail masks contact fields and leaves out a value that is not JSON, unless --show-personal-data")
    func tailMasks() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        try cluster.createTopic("kepu.test.requests.v1", partitions: 1)
        let request = CloudEvent(
            source: "/frontend/tests", type: BookingRequestType.seatsRequested,
            data: Array(
                #"{"requestId":"r-1","sessionId":"s-1","party":{"kind":"individual","residentId":"res-1","seats":2},"contact":{"name":"王小明","phone":"13912345678"}}"#
                    .utf8))
        let raw = KafkaProducerMessage(topic: "kepu.test.requests.v1", key: Array("s-1".utf8), value: Array("name=王小明;phone=13912345678".utf8))
        try await publish([request.kafkaMessage(topic: "kepu.test.requests.v1", key: "s-1"), raw], to: cluster)
        let environment = ["KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers]

        let masked = try await runTool("kepu", ["tail", "kepu.test.requests.v1", "--from-beginning", "--max", "2"], environment: environment)
        #expect(masked.status == 0, "\(masked.output)")
        #expect(!masked.output.contains("王小明") && !masked.output.contains("13912345678"), "\(masked.output)")
        #expect(masked.output.contains(#""contact":{"name":"***","phone":"***"}"#), "the shape stays: \(masked.output)")
        #expect(masked.output.contains(#""residentId":"res-1""#), "ids are not contact details")
        #expect(masked.output.contains("not shown"))

        let shown = try await runTool(
            "kepu", ["tail", "kepu.test.requests.v1", "--from-beginning", "--max", "2", "--show-personal-data"], environment: environment)
        #expect(shown.status == 0)
        #expect(shown.output.contains("王小明") && shown.output.contains("name=王小明;phone=13912345678"), "\(shown.output)")
        cluster.stop()
    }

    @Test("the tool takes KEPU_KAFKA_PROP_* like the services (a bad value is refused by librdkafka, naming it)")
    func kafkaProperties() async throws {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        let run = try await runTool(
            "kepu", ["topics", "list"],
            environment: ["KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers, "KEPU_KAFKA_PROP_SECURITY_PROTOCOL": "carrier-pigeon"])
        #expect(run.status != 0)
        #expect(run.output.contains("security.protocol"), "\(run.output)")
        let plain = try await runTool("kepu", ["topics", "list"], environment: ["KEPU_KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers])
        #expect(plain.status == 0, "\(plain.output)")
        cluster.stop()
    }

    @Test("personal fields are masked at any depth, nulls stay null, other fields stay")
    func maskingRules() throws {
        let value: [String: Any] = [
            "requestId": "r", "contact": ["name": "张三", "phone": "138"], "volunteers": [["email": "a@b.c", "skills": ["first_aid"]]],
            "guardian": NSNull(), "phone": NSNull(),
        ]
        let masked = try #require(PersonalData.masked(value) as? [String: Any])
        #expect(masked["requestId"] as? String == "r")
        #expect((masked["contact"] as? [String: Any])?["name"] as? String == "***")
        let volunteer = try #require((masked["volunteers"] as? [[String: Any]])?.first)
        #expect(volunteer["email"] as? String == "***" && (volunteer["skills"] as? [String]) == ["first_aid"])
        #expect(masked["phone"] is NSNull)
    }
}
