import Foundation
import KepuContracts
import KepuTestSupport
import Testing

/// The registry's and outreach-events' messages in the AsyncAPI document: every example decodes into its Swift type
/// within its limits, the Swift encoding validates against the schema, and values outside the limits are refused.
@Suite("Registry and outreach contracts")
struct OutreachContractTests {
    var validator: JSONSchemaValidator { JSONSchemaValidator(root: AsyncAPIDocumentTests.document) }

    func check<Payload: Codable & ValidatedPayload>(_ message: String, as type: Payload.Type) throws {
        try checkExamples(of: message, as: type, validator)
    }

    @Test("every registry and outreach message's examples decode and re-encode within the schema")
    func examples() throws {
        try check("UnitRecorded", as: NetworkUnitRecord.self)
        try check("SiteRecorded", as: NetworkSiteRecord.self)
        for message in ["StaffAssigned", "StaffReleased"] { try check(message, as: StaffRecorded.self) }
        for message in ["PairingCreated", "PairingChanged", "PairingEnded"] { try check(message, as: PairingRecorded.self) }
        for message in [
            "ApplicationSubmitted", "ApplicationReviewed", "ApplicationInspectionScheduled", "ApplicationInspected", "ApplicationApproved",
            "ApplicationRejected", "ApplicationReevaluated", "ApplicationExpired",
        ] {
            try check(message, as: ApplicationStep.self)
        }
        try check("ProgrammeRecorded", as: ProgrammeRecord.self)
        try check("CampaignRecorded", as: CampaignRecord.self)
        try check("OrderChanged", as: OrderRecord.self)
        try check("OrderOverdue", as: OrderOverdue.self)
        try check("EventRecorded", as: ActivityEventRecord.self)
        try check("EventRated", as: EventRated.self)
        try check("OutreachRequestRejected", as: OutreachRequestRejected.self)
        try check("OrderRequested", as: OrderRequested.self)
        try check("RatingSubmitted", as: RatingSubmitted.self)
        let requests = Set(
            (validator.resolve("#/channels/outreachRequests")["messages"] as? [String: Any] ?? [:]).values.compactMap {
                ($0 as? [String: Any])?["$ref"] as? String
            }.map { validator.resolve($0)["x-ce-type"] as? String ?? "" })
        #expect(requests == Set(Topics.outreachRequests.eventTypes))
        let documented = Set(
            (validator.resolve("#/channels/outreachEvents")["messages"] as? [String: Any] ?? [:]).values.compactMap {
                ($0 as? [String: Any])?["$ref"] as? String
            }.map { validator.resolve($0)["x-ce-type"] as? String ?? "" })
        #expect(documented == Set(Topics.outreachEvents.eventTypes))
    }

    @Test("records outside their limits are refused with the field named")
    func limits() throws {
        func refusal(_ json: String, _ type: (some Decodable).Type) -> String? {
            do {
                _ = try CloudEvent.decodePayload(type, from: Array(json.utf8))
                return nil
            } catch let violation as ContractViolation {
                return violation.field
            } catch {
                return "not a violation: \(error)"
            }
        }
        let long = String(repeating: "a", count: 129)
        #expect(
            refusal(
                #"{"unitId":"\#(long)","level":"street","name":"x","path":["sz","\#(long)"],"populationEstimated":false}"#, NetworkUnitRecord.self)
                == "unitId")
        #expect(
            refusal(#"{"unitId":"x","level":"street","name":"x","path":["sz","y"],"populationEstimated":false}"#, NetworkUnitRecord.self) == "path",
            "a path that does not end with the unit")
        #expect(
            refusal(#"{"unitId":"x","level":"street","name":"x","path":["x"],"population":-1,"populationEstimated":false}"#, NetworkUnitRecord.self)
                == "population")
        #expect(
            refusal(
                #"{"siteId":"s","kind":"station","name":"n\u0000","address":"","unitId":"u","unitPath":["u"],"status":"active"}"#,
                NetworkSiteRecord.self) == "name")
        #expect(
            refusal(
                #"{"siteId":"s","kind":"station","name":"n","address":"","unitId":"u","unitPath":["u"],"status":"active","since":"2026-02-30"}"#,
                NetworkSiteRecord.self) == "since", "a day a consumer's date cast would refuse")
        #expect(
            refusal(
                #"{"pairingId":"p","baseId":"b","basePath":["b"],"partnerId":"t","partnerPath":["t"],"from":"2026-01-01","until":"2026-12-31","commitments":{"activitiesPerQuarter":5000,"visitsPerQuarter":1},"status":"active"}"#,
                PairingRecorded.self) == "commitments.activitiesPerQuarter")
        #expect(
            refusal(
                #"{"siteId":"s","kind":"station","name":"n","address":"","unitId":"u","unitPath":["sz","a|b"],"status":"active"}"#,
                NetworkSiteRecord.self) == "unitPath[1]", "a path element that would split where followers join paths")
        // Requests are closed, and checked at decode for what the database would refuse.
        #expect(refusal(#"{"requestId":"r","eventId":"e","residentId":"x","score":6}"#, RatingSubmitted.self) == "score")
        #expect(refusal(#"{"requestId":"r","eventId":"e","residentId":"x\u0000","score":5}"#, RatingSubmitted.self) == "residentId")
        #expect(refusal(#"{"requestId":"r","eventId":"e","residentId":"x","score":5,"stars":5}"#, RatingSubmitted.self) == "stars")
        #expect(
            refusal(
                #"{"requestId":"r","orderId":"o","siteId":"s","programmeId":"p","from":"2030-03-31","until":"2030-03-01","expectedAudience":5}"#,
                OrderRequested.self) == "until")
        #expect(
            refusal(
                #"{"requestId":"r","orderId":"o","siteId":"s","programmeId":"p","from":"2030-03-01","until":"2030-03-31","expectedAudience":0}"#,
                OrderRequested.self) == "expectedAudience")
        #expect(
            refusal(
                #"{"eventId":"e","status":"published","title":"t","siteId":"s","siteKind":"center","sitePath":["sz"],"theme":"health","format":"lecture","campaigns":[],"startsAt":"2030-01-01T02:00:00Z","endsAt":"2030-01-01T01:00:00Z"}"#,
                ActivityEventRecord.self) == "endsAt")
        #expect(
            refusal(
                #"{"eventId":"e","status":"published","title":"t","siteId":"s","siteKind":"center","sitePath":["sz"],"theme":"health","format":"lecture","campaigns":[],"startsAt":"2030-01-01T01:00:00Z","endsAt":"2030-01-01T02:00:00Z","seats":{"capacity":0}}"#,
                ActivityEventRecord.self) == "seats.capacity")
    }
}
