import ArgumentParser
import Foundation
import KepuContracts
import KepuKafka

/// `kepu tail <topic>`: decoded events as JSON lines.
struct Tail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a topic's events, decoded, one JSON object per line.")
    @OptionGroup var kafka: KafkaOptions
    @Argument(help: "The topic, e.g. kepu.booking.events.v1.") var topic: String
    @Flag(help: "Start at the beginning instead of the end.") var fromBeginning = false
    @Option(help: "Stop after this many events.") var max: Int?
    @Flag(help: "Print contact details as stored instead of masked (see docs/contracts.md, \"Personal data\").") var showPersonalData = false

    func run() async throws {
        let consumer = try KafkaConsumer(
            configuration: try kafka.consumer(
                groupId: "kepu-tail-\(UUID().uuidString.prefix(8))", overrides: ["auto.offset.reset": fromBeginning ? "earliest" : "latest"]))
        try consumer.subscribe(topics: [topic])
        var printed = 0
        for try await batch in consumer.batches(maxMessages: 500, maxWait: .milliseconds(200)) {
            for message in batch.messages {
                print(Self.describe(message, showPersonalData: showPersonalData))
                printed += 1
                if let max, printed >= max {
                    await consumer.close()
                    return
                }
            }
        }
    }

    /// One record as a JSON line: position, key, CloudEvents attributes and data (or why it is not a CloudEvent).
    /// Personal fields of the data are masked unless `showPersonalData`; a value that is not JSON (so cannot be
    /// masked field by field) is left out whole.
    static func describe(_ message: KafkaConsumerMessage, showPersonalData: Bool) -> String {
        func unreadable(_ bytes: [UInt8]) -> Any {
            showPersonalData
                ? String(decoding: bytes, as: UTF8.self)
                : "(\(bytes.count) bytes, not JSON: not shown, it may hold personal data; --show-personal-data shows it)"
        }
        var line: [String: Any] = [
            "topic": message.topic, "partition": message.partition, "offset": message.offset,
            "key": message.key.map { String(decoding: $0, as: UTF8.self) } ?? NSNull(),
        ]
        do {
            let event = try CloudEvent(kafkaMessage: message)
            line["id"] = event.id
            line["type"] = event.type
            line["source"] = event.source
            if let time = event.time { line["time"] = RFC3339.format(time) }
            if let subject = event.subject { line["subject"] = subject }
            if let data = try? JSONSerialization.jsonObject(with: Data(event.data), options: [.fragmentsAllowed]) {
                line["data"] = showPersonalData ? data : PersonalData.masked(data)
            } else {
                line["data"] = unreadable(event.data)
            }
        } catch {
            line["not_cloudevent"] = "\(error)"
            line["value"] = unreadable(message.value)
        }
        if let letter = DeadLetter(deadLetterRecord: message) {
            line["dead_letter"] = [
                "source": "\(letter.sourceTopic)[\(letter.sourcePartition)]@\(letter.sourceOffset)", "consumer": letter.consumer,
                "error_code": letter.errorCode, "error": letter.error,
            ]
        }
        let data = (try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
