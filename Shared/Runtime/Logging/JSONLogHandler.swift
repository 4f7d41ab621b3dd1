import Foundation
import KepuContracts
import Logging
import Synchronization

/// One JSON object per line on standard output: `time`, `level`, `service`, `logger`, `message`, and the
/// metadata (topic, partition, offset, event_id, ...). Personal data never goes into log metadata: log ids, not
/// names or phone numbers.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let service: String

    /// Whole lines are written under a lock so that lines from different threads never interleave.
    private static let output = Mutex(())

    public init(label: String, service: String, level: Logger.Level) {
        self.label = label
        self.service = service
        self.logLevel = level
    }

    /// Makes every `Logger` in this process log JSON lines for `service`. Call once, first thing in `main`.
    public static func bootstrap(service: String, level: Logger.Level) {
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, service: service, level: level) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var fields = metadata
        if let explicit = event.metadata { fields.merge(explicit) { _, new in new } }
        if let error = event.error { fields["error"] = "\(error)" }
        var json = "{\"time\":\(Self.quote(RFC3339Clock.now())),\"level\":\(Self.quote(level.rawValue))"
        json += ",\"service\":\(Self.quote(service)),\"logger\":\(Self.quote(label)),\"message\":\(Self.quote(message.description))"
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            json += ",\(Self.quote(key)):\(Self.quote(value.description))"
        }
        json += "}\n"
        Self.output.withLock { _ in
            FileHandle.standardOutput.write(Data(json.utf8))
        }
    }

    static func quote(_ text: String) -> String { JSONText.quoted(text) }
}

enum RFC3339Clock {
    static func now() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
