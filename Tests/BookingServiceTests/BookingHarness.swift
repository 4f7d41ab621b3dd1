import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport

/// One `booking` process with its database and the embedded cluster, plus helpers to publish requests as a
/// frontend does and read the outcomes.
struct BookingHarness {
    let cluster: EmbeddedKafkaCluster
    let database: DatabaseSettings
    let service: ServiceProcess
    let outcomes: TopicCollector

    static func start(environment extra: [String: String] = [:]) async throws -> BookingHarness {
        let cluster = try EmbeddedKafkaCluster(brokers: 3)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        let database = try await TestPostgres.freshDatabase()
        let service = try ServiceProcess("booking", database: database, bootstrap: cluster.bootstrapServers, extra: extra)
        try await service.waitUntilReady()
        let venue = await service.admin(
            "POST", "/admin/venues", json: #"{"id":"museum-1","kind":"museum","name":"City Science Museum","unitPath":["sz"]}"#)
        guard venue?.status == 200 else { throw TestSetupError("venue not created: \(String(describing: venue))") }
        let outcomes = try TopicCollector(topic: Topics.bookingEvents.name, bootstrap: cluster.bootstrapServers)
        return BookingHarness(cluster: cluster, database: database, service: service, outcomes: outcomes)
    }

    /// Creates a session from overrides of a default one (capacity 3, open now, starting in 3 days); returns its id.
    func session(_ fields: [String: Any] = [:]) async throws -> String {
        let now = Date()
        var body: [String: Any] = [
            "id": "s-\(UUID().uuidString.prefix(8))", "venueId": "museum-1", "capacity": 3,
            "startsAt": RFC3339.format(now.addingTimeInterval(3 * 86400)), "endsAt": RFC3339.format(now.addingTimeInterval(3 * 86400 + 7200)),
            "bookingOpensAt": RFC3339.format(now.addingTimeInterval(-3600)), "maxSeatsPerRequest": 4, "groupMin": 2, "groupMax": 10,
        ]
        body.merge(fields) { _, new in new }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let response = await service.admin("POST", "/admin/sessions", json: json)
        guard response?.status == 201 else { throw TestSetupError("session not created: \(String(describing: response))") }
        return body["id"] as? String ?? ""
    }

    /// A request as a frontend publishes it (binary-mode CloudEvent, key = session id).
    static func request(_ type: String, key: String, json: String, id: String = UUID().uuidString) -> KafkaProducerMessage {
        CloudEvent(id: id, source: "/frontend/tests", type: type, data: Array(json.utf8)).kafkaMessage(topic: Topics.bookingRequests.name, key: key)
    }

    /// The claim token the tests' frontend draws for `requestId` (a real frontend draws `ClaimToken.generate()`).
    static func token(for requestId: String) -> String { "token-\(requestId)" }

    /// The `claimTokenHash` member for `requestId`'s token, to splice into a request's JSON.
    static func claimField(_ requestId: String) -> String { #""claimTokenHash":"\#(ClaimToken.hash(token(for: requestId)))""# }

    static func seats(_ requestId: String, session: String, resident: String = "r-1", seats: Int = 1) -> KafkaProducerMessage {
        request(
            BookingRequestType.seatsRequested, key: session,
            json:
                #"{"requestId":"\#(requestId)","sessionId":"\#(session)","party":{"kind":"individual","residentId":"\#(resident)","seats":\#(seats)},"contact":{"name":"张三","phone":"13800000000"},\#(claimField(requestId))}"#
        )
    }

    static func group(_ requestId: String, session: String, unit: String = "futian-center", headcount: Int, acceptPartial: Bool = false)
        -> KafkaProducerMessage
    {
        request(
            BookingRequestType.seatsRequested, key: session,
            json:
                #"{"requestId":"\#(requestId)","sessionId":"\#(session)","party":{"kind":"group","unitId":"\#(unit)","headcount":\#(headcount),"acceptPartial":\#(acceptPartial)},\#(claimField(requestId))}"#
        )
    }

    static func cancel(_ requestId: String, session: String, booking: String, token: String) -> KafkaProducerMessage {
        request(
            BookingRequestType.cancellationRequested, key: session,
            json: #"{"requestId":"\#(requestId)","bookingId":"\#(booking)","claimToken":"\#(token)"}"#)
    }

    static func checkIn(_ requestId: String, session: String, booking: String, token: String) -> KafkaProducerMessage {
        request(
            BookingRequestType.checkInRequested, key: session,
            json: #"{"requestId":"\#(requestId)","bookingId":"\#(booking)","claimToken":"\#(token)"}"#)
    }

    func publish(_ messages: KafkaProducerMessage...) async throws {
        try await KepuTestSupport.publish(messages, to: cluster)
    }

    /// The outcome events once at least `count` have arrived (and a moment more, to catch any extra), decoded.
    func outcomes(atLeast count: Int) async throws -> [CloudEvent] {
        try await eventually("\(count) outcome events") { outcomes.all.count >= count }
        try await Task.sleep(for: .milliseconds(500))
        return try outcomes.all.map { try CloudEvent(kafkaMessage: $0) }
    }

    /// Waits for the answer to `requestId` and returns its type and payload; `after` skips an interim answer of
    /// that type (a pooled group's final answer follows its `group-pooled`).
    func outcome(of requestId: String, after interim: String? = nil, timeout: Duration = .seconds(30)) async throws -> (
        type: String, json: [String: Any]
    ) {
        let event = try await outcomes.first(timeout: timeout) {
            ((try? JSONSerialization.jsonObject(with: Data($0.value))) as? [String: Any])?["requestId"] as? String == requestId
                && (interim == nil || $0.headers.value(named: "ce_type") != interim.map { Array($0.utf8) })
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(event.value))) as? [String: Any] ?? [:]
        return (String(decoding: event.headers.value(named: "ce_type") ?? [], as: UTF8.self), json)
    }

    func stop() async -> Int32 {
        let status = await service.terminate()
        await outcomes.stop()
        cluster.stop()
        return status
    }
}

extension KafkaProducerMessage {
    /// The same request without its `claimTokenHash`, as a frontend that forgot it would send.
    func withoutClaim() -> KafkaProducerMessage {
        var copy = self
        let text = String(decoding: value, as: UTF8.self)
        copy.value = Array(text.replacingOccurrences(of: #","claimTokenHash":"[0-9a-f]{64}""#, with: "", options: .regularExpression).utf8)
        return copy
    }
}
