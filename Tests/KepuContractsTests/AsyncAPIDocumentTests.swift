import Foundation
import KepuContracts
import KepuKafka
import KepuTestSupport
import Testing

/// Keeps `Shared/Contracts/asyncapi.json`, its schemas and the Swift types in step.
@Suite("AsyncAPI document")
struct AsyncAPIDocumentTests {
    static var document: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Shared/Contracts/asyncapi.json")
        let data = (try? Data(contentsOf: url)) ?? Data()
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    var channels: [String: [String: Any]] { Self.document["channels"] as? [String: [String: Any]] ?? [:] }
    var validator: JSONSchemaValidator { JSONSchemaValidator(root: Self.document) }

    @Test("it is an AsyncAPI 3 document")
    func version() {
        #expect(Self.document["asyncapi"] as? String == "3.0.0")
    }

    @Test("every topic in the registry has a channel with the same partitions and cleanup, and no channel is unregistered")
    func registryMatchesChannels() throws {
        let addresses = channels.values.compactMap { $0["address"] as? String }
        #expect(Set(addresses) == Set(Topics.all.map(\.name)))
        for topic in Topics.all {
            let channel = try #require(channels.values.first { $0["address"] as? String == topic.name })
            let kafka = try #require((channel["bindings"] as? [String: Any])?["kafka"] as? [String: Any])
            #expect(kafka["partitions"] as? Int == Int(topic.partitions), "\(topic.name) partitions")
            let configuration = kafka["topicConfiguration"] as? [String: Any] ?? [:]
            #expect((configuration["cleanup.policy"] as? [String])?.first == topic.configs["cleanup.policy"], "\(topic.name) cleanup")
            if let retention = topic.configs["retention.ms"] {
                #expect((configuration["retention.ms"] as? Int).map(String.init) == retention, "\(topic.name) retention")
            }
        }
    }

    @Test("dead-letter examples decode into DeadLetter, and a DeadLetter's headers validate against the schema")
    func deadLetterExamplesAndSchema() throws {
        let message = validator.resolve("#/components/messages/DeadLetter")
        let headerSchema = try #require(message["headers"] as? [String: Any])
        let examples = try #require(message["examples"] as? [[String: Any]])
        #expect(!examples.isEmpty)
        for example in examples {
            let headers = try #require(example["headers"] as? [String: String])
            #expect(validator.validate(headers, against: headerSchema).isEmpty)
            let record = KafkaConsumerMessage(
                topic: "kepu.booking.dlq.v1", partition: 0, offset: 0, key: nil, value: Array((example["payload"] as? String ?? "").utf8),
                headers: headers.map { KafkaHeader(name: $0.key, string: $0.value) }, timestamp: nil)
            let letter = try #require(DeadLetter(deadLetterRecord: record))
            #expect(letter.sourceTopic == headers["kepu_dlq_source_topic"])
            #expect(String(letter.sourceOffset) == headers["kepu_dlq_source_offset"])
            #expect(letter.errorCode == headers["kepu_dlq_error_code"])
        }

        let failed = KafkaConsumerMessage(
            topic: "kepu.booking.requests.v1", partition: 2, offset: 99, key: Array("s-1".utf8), value: Array("x".utf8),
            headers: [KafkaHeader(name: "ce_id", string: "abc")], timestamp: nil)
        let letter = DeadLetter(
            failed: failed, consumer: "booking.requests", errorCode: "invalid_payload", error: String(repeating: "e", count: 5000))
        var encoded: [String: Any] = [:]
        for header in letter.kafkaMessage(topic: "kepu.booking.dlq.v1").headers { encoded[header.name] = header.stringValue ?? "" }
        let problems = validator.validate(encoded, against: headerSchema)
        #expect(problems.isEmpty, "\(problems)")
        #expect(encoded["ce_id"] as? String == "abc", "the original headers are kept")
    }

    @Test("records the suite produces carry the documented CloudEvents headers")
    func cloudEventHeadersValidate() throws {
        let schema = validator.resolve("#/components/schemas/CloudEventBinaryHeaders")
        let event = CloudEvent(source: "/kepu/booking", type: "kepu.booking.confirmed.v1", subject: "booking/42", data: Array("{}".utf8))
        #expect(!schema.isEmpty)
        var headers: [String: Any] = [:]
        for header in event.kafkaMessage(topic: "t", key: "k").headers { headers[header.name] = header.stringValue ?? "" }
        let problems = validator.validate(headers, against: schema)
        #expect(problems.isEmpty, "\(problems)")
        // And the validator is not a rubber stamp.
        headers["ce_type"] = "Booking Confirmed"
        headers["ce_specversion"] = "0.3"
        #expect(validator.validate(headers, against: schema).count == 2)
    }
}

extension AsyncAPIDocumentTests {
    @Test("a dead-letter topic keeps records no longer than any topic they can come from")
    func deadLettersDoNotOutliveTheirSources() throws {
        func retention(_ topic: TopicDefinition) -> Int? { topic.configs["retention.ms"].flatMap { Int($0) } }
        let deadLetters = Topics.all.filter { $0.name.hasSuffix(".dlq.v1") }
        let sources = Topics.all.filter { !$0.name.hasSuffix(".dlq.v1") }.compactMap(retention)
        #expect(!deadLetters.isEmpty && !sources.isEmpty)
        for topic in deadLetters {
            let kept = try #require(retention(topic), "\(topic.name) has a retention")
            #expect(kept <= sources.min() ?? 0, "\(topic.name) keeps \(kept) ms, a source only \(sources.min() ?? 0)")
        }
    }
}
