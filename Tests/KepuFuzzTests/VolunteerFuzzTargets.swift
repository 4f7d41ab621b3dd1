import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime
import Testing

@testable import OutreachEventsService
@testable import VolunteerService

/// volunteer's parsers of untrusted input: the requests frontends send, the outreach records it follows, its admin
/// bodies, and the weekly windows it stores; outreach-events' follower of its events.
extension FuzzTargets {
    @Test("volunteer's requests and the records it follows, and outreach-events' follower of volunteer's events")
    func volunteerRecords() {
        let seeds = [
            #"{"requestId":"r","volunteerId":"v","claimTokenHash":"0c8f0a1b2c3d4e5f60718293a4b5c6d7e8f9011223344556677889900aabbccd","residentId":"x","teamId":"t","role":"site_head","siteId":"s","name":"李","phone":"138","skills":["health","lecture"],"qualifications":[{"kind":"teaching","expiresOn":"2031-12-31"}],"homeUnitId":"u","serveUnitIds":["d"],"availability":[{"weekday":6,"from":"09:00","until":"18:00"}],"blackoutDates":["2030-05-01"],"monthlyHoursCap":40}"#,
            #"{"requestId":"r","needId":"n","volunteerId":"v","claimToken":"t","unitId":"u","theme":"health","audience":"seniors","people":30,"preferredTimes":[{"weekday":7,"from":"00:00","until":"24:00"}]}"#,
            #"{"requestId":"r","volunteerId":"v","claimToken":"t","offerId":"o","accept":true}"#,
            #"{"requestId":"r","volunteerId":"v","claimToken":"t","eventId":"e","checkIn":"2030-03-02T01:50:00Z","checkOut":"2030-03-02T04:10:00Z"}"#,
            #"{"eventId":"e","sitePath":["sz"],"needed":3,"accepted":1,"offered":1,"short":1}"#,
            #"{"eventId":"e","sitePath":["sz"],"theme":"health","needed":3,"accepted":1,"startsAt":"2030-03-02T02:00:00Z"}"#,
        ]
        var fuzzer = Fuzzer(
            target: "volunteer-records", seeds: seeds,
            tokens: ["weekday", "until", "24:00", "site_head", "qualifications", "expiresOn", "accept", "short", "\\u0000", "1e309", "-1"])
        func record(_ event: CloudEvent, key: String) -> KafkaConsumerMessage {
            let message = event.kafkaMessage(topic: Topics.volunteerRequests.name, key: key)
            return KafkaConsumerMessage(
                topic: message.topic, partition: 0, offset: 0, key: message.key, value: message.value, headers: message.headers, timestamp: nil)
        }
        fuzzer.run { input in
            // Each decoder with the types it reads, keyed as the seeds' ids and otherwise.
            for type in VolunteerRequestType.all {
                let event = CloudEvent(id: "fuzz", source: "/frontend/fuzz", type: type, data: input)
                for key in ["v", ""] { _ = try? VolunteerRequestHandler(policy: .defaults).decode(event, from: record(event, key: key)) }
                if let registration = try? event.decodeData(as: RegistrationSubmitted.self) {
                    _ = WeeklyMinutes.windows(WeeklyMinutes.literal(registration.availability))
                }
            }
            let outreach = CloudEvent(id: "fuzz", source: "/kepu/outreach-events", type: ActivityEventType.eventRecorded, data: input)
            for key in ["e", ""] { _ = try? OutreachFollowerHandler(policy: .defaults).decode(outreach, from: record(outreach, key: key)) }
            for type in [VolunteerEventType.eventStaffed, VolunteerEventType.shortfallRaised] {
                let event = CloudEvent(id: "fuzz", source: "/kepu/volunteer", type: type, data: input)
                _ = try? VolunteerFollowerHandler().decode(event, from: record(event, key: "e"))
            }
            _ = try? CloudEvent.decodePayload(TeamInput.self, from: input)
            _ = try? CloudEvent.decodePayload(VolunteerProfileInput.self, from: input)
            _ = try? CloudEvent.decodePayload(HoursVerification.self, from: input)
            _ = WeeklyMinutes.windows(String(decoding: input, as: UTF8.self))
        }
    }
}
