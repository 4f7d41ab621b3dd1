import Foundation
import KepuContracts
import KepuTestSupport
import Testing

/// Every booking message in the AsyncAPI document: its example decodes into the Swift type, the Swift value
/// re-encoded validates against the schema, and its ce_type is the one the registry lists for the topic.
@Suite("Booking contracts")
struct BookingContractTests {
    var validator: JSONSchemaValidator { JSONSchemaValidator(root: AsyncAPIDocumentTests.document) }

    static let swiftTypes: [String: @Sendable (Data) throws -> Data] = [
        "SeatsRequested": { try roundTrip(SeatsRequested.self, $0) },
        "CancellationRequested": { try roundTrip(CancellationRequested.self, $0) },
        "CheckInRequested": { try roundTrip(CheckInRequested.self, $0) },
        "BookingConfirmed": { try roundTrip(BookingConfirmed.self, $0) },
        "BookingWaitlisted": { try roundTrip(BookingWaitlisted.self, $0) },
        "BookingRejected": { try roundTrip(BookingRejected.self, $0) },
        "BookingCancelled": { try roundTrip(BookingCancelled.self, $0) },
        "BookingPromoted": { try roundTrip(BookingPromoted.self, $0) },
        "BookingCheckedIn": { try roundTrip(BookingCheckedIn.self, $0) },
        "NoShowRecorded": { try roundTrip(NoShowRecorded.self, $0) },
        "ResidentSuspended": { try roundTrip(ResidentSuspended.self, $0) },
        "DedicatedVisitRequested": { try roundTrip(DedicatedVisitRequested.self, $0) },
        "GroupPooled": { try roundTrip(GroupPooled.self, $0) },
        "DedicatedSessionOpened": { try roundTrip(DedicatedSessionOpened.self, $0) },
        "SessionCreated": { try roundTrip(SessionPublished.self, $0) },
        "SessionChanged": { try roundTrip(SessionPublished.self, $0) },
        "SessionClosed": { try roundTrip(SessionClosed.self, $0) },
    ]

    static func roundTrip<T: Codable>(_ type: T.Type, _ data: Data) throws -> Data {
        try CloudEvent.jsonEncoder.encode(try CloudEvent.jsonDecoder.decode(T.self, from: data))
    }

    @Test("examples decode into the Swift types, and what the Swift types encode validates", arguments: swiftTypes.keys.sorted())
    func messageRoundTrip(_ name: String) throws {
        let message = validator.resolve("#/components/messages/\(name)")
        let schema = try #require(message["payload"] as? [String: Any])
        let examples = try #require(message["examples"] as? [[String: Any]])
        #expect(!examples.isEmpty)
        for example in examples {
            let payload = try #require(example["payload"])
            #expect(validator.validate(payload, against: schema).isEmpty, "the example itself validates")
            let roundTrip = try #require(Self.swiftTypes[name])
            let exampleData = try JSONSerialization.data(withJSONObject: payload)
            let encoded = try roundTrip(exampleData)
            let reencoded = try JSONSerialization.jsonObject(with: encoded)
            let problems = validator.validate(reencoded, against: schema)
            #expect(problems.isEmpty, "\(name): \(problems)")
            let headers = try #require(example["headers"] as? [String: Any])
            #expect(validator.validate(headers, against: validator.resolve("#/components/schemas/CloudEventBinaryHeaders")).isEmpty)
            #expect(headers["ce_type"] as? String == message["x-ce-type"] as? String)
        }
    }

    @Test("each booking topic's messages are exactly the event types the registry lists")
    func typesMatchRegistry() throws {
        let channels = AsyncAPIDocumentTests.document["channels"] as? [String: [String: Any]] ?? [:]
        for topic in [Topics.bookingRequests, Topics.bookingEvents] {
            let channel = try #require(channels.values.first { $0["address"] as? String == topic.name })
            let references = (channel["messages"] as? [String: [String: String]] ?? [:]).values.compactMap { $0["$ref"] }
            let types = references.compactMap { validator.resolve($0)["x-ce-type"] as? String }
            #expect(Set(types) == Set(topic.eventTypes), "\(topic.name)")
        }
    }

    @Test("the schema rejects what the service rejects as invalid")
    func schemaIsStrict() {
        let schema = validator.resolve("#/components/schemas/SeatsRequested")
        let zeroSeats: [String: Any] = ["requestId": "r", "sessionId": "s", "party": ["kind": "individual", "residentId": "x", "seats": 0]]
        let groupWithoutUnit: [String: Any] = ["requestId": "r", "sessionId": "s", "party": ["kind": "group", "headcount": 3]]
        #expect(!validator.validate(zeroSeats, against: schema).isEmpty)
        #expect(!validator.validate(groupWithoutUnit, against: schema).isEmpty)
    }

    @Test("no event any service publishes has a field that could authorise an action")
    func eventsCarryNoSecrets() throws {
        let channels = AsyncAPIDocumentTests.document["channels"] as? [String: [String: Any]] ?? [:]
        let secretWords = ["code", "token", "secret", "password", "hash", "credential"]
        // What services publish: not what frontends send them (requests, and engagement, whose visitor hash names a
        // visitor and authorises nothing).
        let published = Topics.all.filter {
            !$0.name.hasSuffix(".requests.v1") && !$0.name.contains(".dlq.") && $0.name != Topics.contentEngagement.name
        }
        #expect(published.contains { $0.name == Topics.bookingEvents.name })
        for topic in published {
            let channel = try #require(channels.values.first { $0["address"] as? String == topic.name })
            for reference in (channel["messages"] as? [String: [String: String]] ?? [:]).values.compactMap({ $0["$ref"] }) {
                let message = validator.resolve(reference)
                let payload = validator.resolve((message["payload"] as? [String: String])?["$ref"] ?? "")
                let names = Array((payload["properties"] as? [String: Any] ?? [:]).keys)
                #expect(!names.isEmpty, "\(reference) has a payload schema")
                for name in names {
                    #expect(!secretWords.contains { name.lowercased().contains($0) }, "\(reference).\(name)")
                }
            }
        }
    }

    @Test("a v1 confirmation or waitlisting still in the topic reads as v2, its check-in code ignored")
    func earlierVersionsStillRead() throws {
        #expect(BookingEventType.readableAs["kepu.booking.confirmed.v1"] == BookingEventType.confirmed)
        #expect(BookingEventType.readableAs["kepu.booking.waitlisted.v1"] == BookingEventType.waitlisted)
        let v1 = CloudEvent(
            source: "/kepu/booking", type: "kepu.booking.confirmed.v1",
            data: Array(
                #"{"requestId":"r","bookingId":"b","sessionId":"s","venueId":"v","seats":2,"partyKind":"individual","checkInCode":"K7PQ2M"}"#.utf8))
        let confirmed = try v1.decodeData(as: BookingConfirmed.self)
        #expect(confirmed.bookingId == "b" && confirmed.seats == 2)
        #expect(!String(decoding: try CloudEvent.encodeData(confirmed), as: UTF8.self).contains("K7PQ2M"))
        for (retired, successor) in BookingRequestType.retired {
            #expect(BookingRequestType.all.contains(successor) && !BookingRequestType.all.contains(retired))
        }
    }
}
