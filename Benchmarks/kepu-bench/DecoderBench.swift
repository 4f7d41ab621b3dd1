import ArgumentParser
import Foundation
import KepuContracts

/// The payload decoder against hostile shapes: a 1 MB object of about 120,000 distinct keys (each key checked for
/// repeats, which must cost one pass, not a comparison of every pair), and a 1 MB request padded with an unknown
/// field (refused); each beside Foundation's `JSONSerialization` on the same bytes. Prints, last, `wide_ms= wide_baseline_ms=
/// wide_ratio=`.
struct DecoderBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decoder", abstract: "Decoding hostile payloads (a million-byte object of distinct keys) against JSONSerialization.")

    @Option(help: "Distinct keys in the wide object.") var keys = 120_000
    @Option(help: "Repetitions of each measurement (the median is printed).") var repetitions = 5

    func run() async throws {
        var wide = "{"
        for index in 0..<keys { wide += "\"k\(index)\":\(index % 10)," }
        wide += "\"requestId\":\"wide\"}"
        let wideBytes = Array(wide.utf8)
        let event = CloudEvent(source: "/bench", type: "kepu.bench.v1", data: wideBytes)
        say("wide object: \(wideBytes.count) bytes, \(keys + 1) keys")

        struct Probe: Decodable { let requestId: String }
        let decoded = try median { _ = try event.decodeData(as: Probe.self) }
        let baseline = try median { _ = try JSONSerialization.jsonObject(with: Data(wideBytes)) }
        say(String(format: "suite decoder (parse, check every key for repeats, decode one field): %.1f ms", decoded))
        say(String(format: "JSONSerialization (parse into a dictionary): %.1f ms", baseline))

        var padded = #"{"requestId":"r","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1},"pad":""#
        padded += String(repeating: "x", count: 1_000_000) + "\"}"
        let paddedEvent = CloudEvent(source: "/bench", type: "kepu.bench.v1", data: Array(padded.utf8))
        let request = try median { _ = try? paddedEvent.decodeData(as: SeatsRequested.self) }
        let requestBaseline = try median { _ = try JSONSerialization.jsonObject(with: Data(padded.utf8)) }
        say(
            String(
                format: "a 1 MB request with an unknown field: refused by the suite decoder in %.1f ms; JSONSerialization reads it in %.1f ms",
                request, requestBaseline))
        say(String(format: "wide_ms=%.1f wide_baseline_ms=%.1f wide_ratio=%.2f", decoded, baseline, decoded / baseline))
    }

    private func median(_ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = ContinuousClock.now
            try body()
            times.append((ContinuousClock.now - start).seconds * 1000)
        }
        return percentile(times, 0.5)
    }
}
