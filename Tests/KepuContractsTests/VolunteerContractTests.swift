import Foundation
import KepuContracts
import KepuTestSupport
import Testing

/// volunteer's messages in the AsyncAPI document: every example decodes into its Swift type within its limits, the
/// Swift encoding validates against the schema, the channels list exactly the registry's types, and values
/// outside the limits are refused with the field named.
@Suite("Volunteer contracts")
struct VolunteerContractTests {
    var validator: JSONSchemaValidator { JSONSchemaValidator(root: AsyncAPIDocumentTests.document) }

    func check<Payload: Codable & ValidatedPayload>(_ message: String, as type: Payload.Type) throws {
        try checkExamples(of: message, as: type, validator)
    }

    func documented(_ channel: String) -> Set<String> {
        Set(
            (validator.resolve("#/channels/\(channel)")["messages"] as? [String: Any] ?? [:]).values.compactMap {
                ($0 as? [String: Any])?["$ref"] as? String
            }.map { validator.resolve($0)["x-ce-type"] as? String ?? "" })
    }

    @Test("every volunteer message's examples decode and re-encode within the schema; channels list the registry's types")
    func examples() throws {
        try check("RegistrationSubmitted", as: RegistrationSubmitted.self)
        try check("NeedSubmitted", as: NeedSubmitted.self)
        try check("OfferAnswered", as: OfferAnswered.self)
        try check("RoleSignedUp", as: RoleSignedUp.self)
        try check("ShiftReported", as: ShiftReported.self)
        try check("TeamRecorded", as: TeamRecord.self)
        try check("VolunteerRecorded", as: VolunteerRecord.self)
        try check("SiteHeadsCounted", as: SiteHeadCoverage.self)
        try check("NeedsAggregated", as: NeedsAggregate.self)
        try check("AssignmentChanged", as: AssignmentRecord.self)
        try check("EventStaffed", as: EventStaffing.self)
        try check("ShortfallRaised", as: VolunteerShortfall.self)
        try check("HoursRecorded", as: ServiceHoursRecord.self)
        try check("StarLevelReached", as: StarLevelReached.self)
        try check("VolunteerRequestRejected", as: VolunteerRequestRejected.self)
        #expect(documented("volunteerRequests") == Set(Topics.volunteerRequests.eventTypes))
        #expect(documented("volunteerEvents") == Set(Topics.volunteerEvents.eventTypes))
    }

    @Test("requests outside their limits are refused with the field named")
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
        func registration(_ change: (inout [String: Any]) -> Void) throws -> String {
            var object: [String: Any] = [
                "requestId": "r", "volunteerId": "v", "claimTokenHash": ClaimToken.hash("t"), "residentId": "x", "teamId": "t", "role": "volunteer",
                "name": "李", "skills": ["health"],
                "qualifications": [], "homeUnitId": "u", "serveUnitIds": [], "availability": [["weekday": 6, "from": "09:00", "until": "12:00"]],
                "blackoutDates": [], "monthlyHoursCap": 40,
            ]
            change(&object)
            return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        #expect(refusal(try registration { _ in }, RegistrationSubmitted.self) == nil)
        #expect(refusal(try registration { $0["monthlyHoursCap"] = 0 }, RegistrationSubmitted.self) == "monthlyHoursCap")
        #expect(refusal(try registration { $0["role"] = "site_head" }, RegistrationSubmitted.self) == "siteId")
        #expect(
            refusal(try registration { $0["availability"] = [["weekday": 8, "from": "09:00", "until": "12:00"]] }, RegistrationSubmitted.self)
                == "availability[0].weekday")
        #expect(
            refusal(try registration { $0["availability"] = [["weekday": 6, "from": "12:00", "until": "09:00"]] }, RegistrationSubmitted.self)
                == "availability[0].until")
        #expect(
            refusal(try registration { $0["availability"] = [["weekday": 6, "from": "9am", "until": "12:00"]] }, RegistrationSubmitted.self)
                == "availability[0].from")
        #expect(refusal(try registration { $0["blackoutDates"] = ["2030-02-30"] }, RegistrationSubmitted.self) == "blackoutDates[0]")
        #expect(
            refusal(
                try registration {
                    $0["qualifications"] = [["kind": "teaching", "expiresOn": "2031-01-01"], ["kind": "teaching", "expiresOn": "2032-01-01"]]
                }, RegistrationSubmitted.self) == "qualifications")
        #expect(refusal(try registration { $0["skills"] = (0..<51).map { "s\($0)" } }, RegistrationSubmitted.self) == "skills.count")
        #expect(refusal(try registration { $0["nickname"] = "x" }, RegistrationSubmitted.self) == "nickname")
        #expect(refusal(try registration { $0["claimTokenHash"] = "token" }, RegistrationSubmitted.self) == "claimTokenHash", "a token, not its hash")
        #expect(
            refusal(
                #"{"requestId":"r","needId":"n","volunteerId":"v","claimToken":"t","unitId":"u","theme":"health","audience":"seniors","people":0,"preferredTimes":[]}"#,
                NeedSubmitted.self) == "people")
        #expect(
            refusal(
                #"{"requestId":"r","volunteerId":"v","claimToken":"t","eventId":"e","checkIn":"2030-03-02T04:00:00Z","checkOut":"2030-03-02T02:00:00Z"}"#,
                ShiftReported.self) == "checkOut")
        #expect(
            refusal(
                #"{"requestId":"r","volunteerId":"v","claimToken":"t","eventId":"e","checkIn":"2030-03-02T04:00:00Z","checkOut":"2030-03-05T02:00:00Z"}"#,
                ShiftReported.self) == "checkOut", "a shift longer than a day")
        #expect(
            refusal(#"{"requestId":"r","volunteerId":"v\u0000","claimToken":"t","offerId":"o","accept":true}"#, OfferAnswered.self) == "volunteerId")
    }
}
