import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuTooling
import Testing

/// One HTTP call a hostile-input test expects refused: its method, path and body, the bearer token (nil: the test
/// admin token) and the status it must get.
public struct RefusedCall: Sendable {
    public var method: String
    public var path: String
    public var body: String
    public var token: String?
    public var status: Int

    public init(_ method: String, _ path: String, _ body: String = "", token: String? = nil, _ status: Int) {
        self.method = method
        self.path = path
        self.body = body
        self.token = token
        self.status = status
    }
}

/// Makes each call against the service on `port` and records an issue, with the answer, for each that does not get
/// its status.
public func expectRefused(_ calls: [RefusedCall], port: Int, adminToken: String = ServiceProcess.adminToken) async {
    for call in calls {
        let headers = ["Authorization": "Bearer \(call.token ?? adminToken)", "Content-Type": "application/json"]
        let answer = await httpRequest(port: port, method: call.method, path: call.path, headers: headers, body: call.body)
        #expect(answer?.status == call.status, "\(call.method) \(call.path.prefix(60)): \(answer?.status ?? 0) \(answer?.body.prefix(200) ?? "")")
    }
}

/// 64 lowercase hex digits drawn from `number` (SplitMix64 four times): a visitor hash as a frontend would send it,
/// the same for the same number in tests and benchmarks.
public func visitorHash(_ number: Int) -> String {
    var state = UInt64(truncatingIfNeeded: number) &+ 0x9e37_79b9_7f4a_7c15
    var hex = ""
    for _ in 0..<4 {
        state = (state ^ (state >> 30)) &* 0xbf58_476d_1ce4_e5b9
        state = (state ^ (state >> 27)) &* 0x94d0_49bb_1331_11eb
        state ^= state >> 31
        hex += String(format: "%016llx", state)
    }
    return hex
}

/// The requests a service answered with `rejectedType` on the topic `collector` reads: request id → "reason detail".
public func rejections(in collector: TopicCollector, _ rejectedType: String) -> [String: String] {
    var answers: [String: String] = [:]
    for record in collector.all {
        guard let event = try? CloudEvent(kafkaMessage: record), event.type == rejectedType,
            let json = (try? JSONSerialization.jsonObject(with: Data(event.data))) as? [String: Any], let id = json["requestId"] as? String
        else { continue }
        answers[id] = "\(json["reason"] as? String ?? "") \(json["detail"] as? String ?? "")"
    }
    return answers
}

/// Records an issue for each bad request whose answer (by its `requestId`) does not start with the expected reason
/// and contain the expected words; a case expecting nil is one that is dead-lettered, not answered.
public func expectAnswered(_ cases: [(KafkaProducerMessage, expect: (String, String)?)], _ answers: [String: String]) {
    for (message, expect) in cases {
        guard let (reason, words) = expect else { continue }
        let id = ((try? JSONSerialization.jsonObject(with: Data(message.value))) as? [String: Any])?["requestId"] as? String ?? ""
        #expect(answers[id]?.hasPrefix(reason) == true && answers[id]?.contains(words) == true, "\(id): \(answers[id] ?? "no answer")")
    }
}
