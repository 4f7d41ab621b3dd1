import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime
import Testing

@testable import BookingService
@testable import MetricsService
@testable import OutreachEventsService

/// outreach-events' parsers of untrusted input and its consumers' decoders, fuzzed like booking's.
extension FuzzTargets {
    @Test("the registry's CSV import: file parsing, row checks, merging into a registry and its changes")
    func registryCSV() {
        let file = """
            type,id,parent,name,population,estimated,address,status,since,until,pilot_since
            city,sz,,深圳市,17560061,,,,,,
            district,sz.futian,sz,福田区,1553225,,,,,,2022-03-01
            street,sz.futian.shatou,sz.futian,"沙头街道, 福田",155322,true,,,,,
            community,sz.futian.shatou.c01,sz.futian.shatou,一社区,30000,true,,,,,
            station,station.c01,sz.futian.shatou.c01,一社区站,,,地址,retired,2022-01-01,2026-12-31,
            science_base,base.x,sz.futian,基地,,,,,,,
            """
        var fuzzer = Fuzzer(
            target: "registry-csv", seeds: [file, "\u{FEFF}" + file.replacingOccurrences(of: "\n", with: "\r\n")],
            tokens: ["city", "district", "street", "community", "station", "center", "practice_point", "science_base", ",", "\"", "\r\n", "retired"])
        fuzzer.run { input in
            guard let rows = try? RegistryCSV.rows(from: input) else { return }
            var existing = RegistryState()
            existing.units["sz"] = RegistryUnit(
                id: "sz", level: .city, name: "深圳市", parentId: nil, population: 1, populationEstimated: false, pilotSince: nil)
            let (merged, _) = existing.merging(rows)
            _ = merged.changes(from: existing)
        }
    }

    @Test("the registry's and outreach-events' records, as booking and metrics decode them")
    func networkRecords() {
        let seeds = [
            #"{"unitId":"sz.futian","level":"district","name":"福田区","parentId":"sz","path":["sz","sz.futian"],"population":1553225,"populationEstimated":false,"pilotSince":"2022-03-01"}"#,
            #"{"siteId":"s","kind":"station","name":"n","address":"","unitId":"u","unitPath":["sz","u"],"unitPopulation":10,"status":"active","since":"2022-01-01"}"#,
            #"{"staffId":"s","role":"head","placeId":"p","placePath":["sz","p"],"since":"2026-01-01"}"#,
        ]
        var fuzzer = Fuzzer(
            target: "network-records", seeds: seeds, tokens: ["unitId", "siteId", "staffId", "path", "unitPath", "placePath", "population", "status"])
        fuzzer.run { input in
            for type in NetworkEventType.all + OutreachEventType.all {
                let event = CloudEvent(id: "fuzz", source: "/kepu/outreach-events", type: type, data: input)
                let message = event.kafkaMessage(topic: Topics.networkUnits.name, key: "sz.futian")
                _ = try? NetworkRecord.decode(
                    event,
                    from: KafkaConsumerMessage(
                        topic: message.topic, partition: 0, offset: 0, key: message.key, value: message.value, headers: message.headers,
                        timestamp: nil))
                _ = try? OutreachEventsHandler.decoder.decode(event)
            }
        }
    }

    @Test("outreach-events' admin bodies: units, sites, staff, pairings, applications and their steps")
    func outreachBodies() {
        let seeds = [
            #"{"level":"street","name":"沙头街道","parentId":"sz.futian","population":190000,"populationEstimated":true}"#,
            #"{"kind":"station","name":"站","unitId":"sz.futian.shatou.c01","status":"retired","until":"2026-12-31"}"#,
            #"{"role":"head","placeId":"center.sz.futian","name":"王主任","phone":"13800000000","since":"2026-01-01"}"#,
            #"{"baseId":"b","partnerId":"p","from":"2026-01-01","until":"2026-12-31","commitments":{"activitiesPerQuarter":3,"visitsPerQuarter":2}}"#,
            #"{"applicationId":"app.1","siteName":"中心","unitId":"sz.futian.shatou","contact":{"name":"张","phone":"139"}}"#,
            #"{"action":"schedule_inspection","day":"2026-12-20","comment":"ok"}"#,
        ]
        var fuzzer = Fuzzer(target: "outreach-bodies", seeds: seeds, tokens: ["passed", "true", "false", "action", "reject", "day", "level"])
        fuzzer.run { input in
            if let unit = try? CloudEvent.decodePayload(UnitInput.self, from: input) { _ = unit.row(id: "u").entry() }
            if let site = try? CloudEvent.decodePayload(SiteInput.self, from: input) { _ = site.row(id: "s").entry() }
            _ = try? CloudEvent.decodePayload(StaffInput.self, from: input)
            _ = try? CloudEvent.decodePayload(PairingInput.self, from: input)
            _ = try? CloudEvent.decodePayload(ApplicationSubmission.self, from: input)
            if let step = try? CloudEvent.decodePayload(ApplicationStepInput.self, from: input), case .success(let action) = step.workflowAction() {
                for status in ApplicationStatus.allCases { _ = action.next(after: status) }
            }
        }
    }

    @Test("the activity contracts: events as booking decodes them, requests as outreach-events decodes them, and their keys")
    func activityRecords() {
        let seeds = [
            #"{"eventId":"ev_1","status":"published","title":"讲座","siteId":"center.sz.futian","siteKind":"center","sitePath":["sz","sz.futian"],"theme":"health","format":"lecture","campaigns":["science-day-2030"],"startsAt":"2030-09-10T06:00:00Z","endsAt":"2030-09-10T07:30:00Z","seats":{"capacity":60,"groupMin":5,"groupMax":40},"costFen":150000,"volunteerNeeds":{"count":3,"skills":["first_aid"],"from":"2030-09-10T05:00:00Z","until":"2030-09-10T08:00:00Z"}}"#,
            #"{"orderId":"o-1","status":"dispatched","siteId":"s","sitePath":["sz"],"programmeId":"p","providerId":"l","from":"2030-03-01","until":"2030-03-31","expectedAudience":40,"step":"dispatch","actor":"a","actorRole":"district_admin","at":"2030-03-01T08:00:00Z","deadline":"2030-03-05T08:00:00Z"}"#,
            #"{"requestId":"r","eventId":"ev_1","residentId":"r-1","score":5,"comment":"好"}"#,
            #"{"requestId":"r","orderId":"o-2","siteId":"s","programmeId":"p","from":"2030-04-01","until":"2030-04-30","expectedAudience":30,"note":"n"}"#,
        ]
        var fuzzer = Fuzzer(
            target: "activity-records", seeds: seeds,
            tokens: ["seats", "capacity", "status", "cancelled", "score", "eventId", "orderId", "startsAt", "\\u0000", "1e309", "-1"])
        fuzzer.run { input in
            for type in ActivityEventType.all + OutreachRequestType.all {
                let event = CloudEvent(id: "fuzz", source: "/frontend/fuzz", type: type, data: input)
                for key in ["ev_1", "o-2", ""] {
                    let message = event.kafkaMessage(topic: Topics.outreachEvents.name, key: key)
                    let record = KafkaConsumerMessage(
                        topic: message.topic, partition: 0, offset: 0, key: message.key, value: message.value, headers: message.headers,
                        timestamp: nil)
                    _ = try? EventSessionsHandler(policy: .defaults).decode(event, from: record)
                    _ = try? OutreachRequestHandler(deadlines: .defaults).decode(event, from: record)
                }
                _ = try? OutreachEventsHandler.decoder.decode(event)
            }
        }
    }

    @Test("outreach-events' admin bodies of the menu, orders, events, campaigns and tours, and their workflows")
    func activityBodies() {
        let seeds = [
            #"{"kind":"lecturer","name":"李老师","districts":["sz.futian"]}"#,
            #"{"title":"讲座","theme":"health","format":"lecture","audiences":["adults"],"durationMinutes":90,"capacityMin":20,"capacityMax":80,"providerId":"l","districts":["sz.futian"]}"#,
            #"{"orderId":"o-1","siteId":"s","programmeId":"p","from":"2030-03-01","until":"2030-03-31","expectedAudience":40}"#,
            #"{"action":"accept","startsAt":"2030-03-10T06:00:00Z","endsAt":"2030-03-10T07:30:00Z"}"#,
            #"{"action":"review","passed":false,"reason":"缺少照片"}"#,
            #"{"title":"x","siteId":"s","theme":"health","format":"lecture","startsAt":"2030-01-01T01:00:00Z","endsAt":"2030-01-01T02:00:00Z","seats":{"capacity":10}}"#,
            #"{"action":"hold","walkIns":5,"durationMinutes":95}"#,
            #"{"action":"hold","walkIns":5,"youth":3}"#,
            #"{"eventIds":["a","b"]}"#,
            #"{"name":"科普日","from":"2030-09-01","until":"2030-09-30","themes":["health"]}"#,
            #"{"kitId":"k","siteId":"s","title":"t","theme":"health","startsAt":"2030-05-01T02:00:00Z","endsAt":"2030-05-01T08:00:00Z"}"#,
        ]
        var fuzzer = Fuzzer(
            target: "activity-bodies", seeds: seeds,
            tokens: [
                "action", "claim", "decline", "cancel", "passed", "walkIns", "youth", "seats", "startsAt", "9999-12-31T23:59:59Z", "-1", "1e309",
            ])
        fuzzer.run { input in
            _ = try? CloudEvent.decodePayload(ProviderInput.self, from: input)
            _ = try? CloudEvent.decodePayload(ProgrammeInput.self, from: input)
            _ = try? CloudEvent.decodePayload(OrderInput.self, from: input)
            if let step = try? CloudEvent.decodePayload(OrderStepInput.self, from: input), case .success(let action) = step.workflowAction() {
                for status in OrderStatus.allCases { _ = action.next(after: status) }
            }
            if let step = try? CloudEvent.decodePayload(EventStepInput.self, from: input) {
                for status in ActivityEventStatus.allCases { _ = step.eventAction.next(after: status) }
            }
            _ = try? CloudEvent.decodePayload(EventInput.self, from: input)
            _ = try? CloudEvent.decodePayload(EventPublication.self, from: input)
            _ = try? CloudEvent.decodePayload(CampaignInput.self, from: input)
            _ = try? CloudEvent.decodePayload(KitInput.self, from: input)
            _ = try? CloudEvent.decodePayload(TourStopInput.self, from: input)
        }
    }

    @Test("admin bearer tokens: the static token and signed tokens, forged or malformed")
    func adminTokens() async {
        let authenticator = await AdminAuthenticator(staticToken: "fuzz-static-token-0123456789", jwtSecret: "fuzz-jwt-secret-0123456789abcdefghijkl")
        let signed =
            (try? await AdminAuthenticator.sign(
                AdminClaims(subject: "a", role: .districtAdmin, scope: "sz.futian", lifetime: 3600), secret: "fuzz-jwt-secret-0123456789abcdefghijkl"))
            ?? "a.b.c"
        var fuzzer = Fuzzer(
            target: "admin-tokens", seeds: [signed, "fuzz-static-token-0123456789", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0."],
            tokens: [".", "eyJ", "=="])
        await fuzzer.runAsync { input in
            _ = await authenticator.identify(bearer: Substring(String(decoding: input, as: UTF8.self)))
        }
    }
}
