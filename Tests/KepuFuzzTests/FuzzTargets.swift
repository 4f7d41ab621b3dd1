import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import Testing

@testable import BookingService
@testable import MetricsService

/// Every parser of untrusted input, fuzzed (see `Fuzzer`): none may trap, hang or take over a second on any input.
@Suite("Fuzzing the parsers of untrusted input")
struct FuzzTargets {
    static let seatsRequest =
        #"{"requestId":"r-1","sessionId":"s-1","party":{"kind":"individual","residentId":"res-1","seats":2},"contact":{"name":"张三","phone":"13800000000"},"claimTokenHash":"e3b98a4da31a127d4bde6e43033f66ba274cab0eb7eb1c70ec41402bf6273dd8"}"#
    static let groupRequest =
        #"{"requestId":"r-2","sessionId":"s-1","party":{"kind":"group","unitId":"sz-futian-center","headcount":30,"acceptPartial":true},"claimTokenHash":"e3b98a4da31a127d4bde6e43033f66ba274cab0eb7eb1c70ec41402bf6273dd8"}"#
    static let cancellation = #"{"requestId":"r-3","bookingId":"b-1","claimToken":"hJ3kQ9wZ7vR2mX5pL8nB4cT6yF1gD0sA-uE_iO3qW7e"}"#
    static let dedicatedVisit =
        #"{"requestId":"r-4","venueId":"museum-1","date":"2026-12-24","unitId":"sz-futian","headcount":40,"contact":{"name":"王老师","phone":"138"},"claimTokenHash":"e3b98a4da31a127d4bde6e43033f66ba274cab0eb7eb1c70ec41402bf6273dd8"}"#
    static let requestTokens = [
        "requestId", "sessionId", "party", "kind", "individual", "group", "residentId", "seats", "unitId", "headcount",
        "acceptPartial", "contact", "name", "phone", "bookingId", "claimToken", "claimTokenHash", "venueId", "date",
    ]

    @Test("the CloudEvents Kafka binding: binary-mode headers and structured-mode values")
    func cloudEventBinding() {
        var fuzzer = Fuzzer(
            target: "cloudevent-binding",
            seeds: [
                #"{"specversion":"1.0","id":"e-1","source":"/frontend/app","type":"kepu.booking.seats-requested.v2","time":"2026-11-29T09:30:00+08:00","datacontenttype":"application/json","data":{"requestId":"r"}}"#,
                #"{"specversion":"1.0","id":"e-2","source":"/f","type":"t","data_base64":"eyJhIjoxfQ=="}"#,
                "e-1\u{FF}/frontend/app\u{FF}kepu.booking.seats-requested.v2\u{FF}2026-11-29T01:30:00.250Z\u{FF}1.0",
            ],
            tokens: ["specversion", "id", "source", "type", "time", "data", "data_base64", "subject", "datacontenttype", "1.0", "\u{FF}"])
        fuzzer.run { input in
            // Structured mode: the whole input is the value.
            _ = try? CloudEvent(headers: [KafkaHeader(name: "content-type", string: CloudEvent.structuredContentType)], value: input)
            // Binary mode: the input, split at 0xFF, gives the attributes.
            let parts = input.split(separator: 0xFF, omittingEmptySubsequences: false).map(Array.init)
            let names = ["ce_id", "ce_source", "ce_type", "ce_time", "ce_specversion", "ce_subject", "content-type"]
            var headers = zip(names, parts).map { KafkaHeader(name: $0, value: $1) }
            if parts.count < 5 { headers.append(KafkaHeader(name: "ce_specversion", string: "1.0")) }
            if let event = try? CloudEvent(headers: headers, value: input) {
                _ = event.kafkaMessage(topic: "kepu.fuzz.v1", key: event.id)
            }
        }
    }

    @Test("booking's request decoding: every request type, keyed by session and otherwise")
    func bookingRequests() {
        var fuzzer = Fuzzer(
            target: "booking-requests", seeds: [Self.seatsRequest, Self.groupRequest, Self.cancellation, Self.dedicatedVisit],
            tokens: Self.requestTokens)
        fuzzer.run { input in
            for type in BookingRequestType.all {
                let event = CloudEvent(id: "fuzz", source: "/fuzz", type: type, data: input)
                _ = try? BookingCommand.decode(event, key: Array("s-1".utf8))
            }
        }
    }

    @Test("metrics' booking-event decoding: every event type booking publishes")
    func bookingEvents() {
        let seeds = [
            #"{"requestId":"r","bookingId":"b","sessionId":"s","venueId":"v","seats":2,"partyKind":"individual","residentId":"res"}"#,
            #"{"requestId":"r","bookingId":"b","sessionId":"s","seatsFreed":2,"late":true}"#,
            #"{"sessionId":"s","venueId":"v","venueKind":"museum","unitPath":["sz","sz-futian"],"title":"t","startsAt":"2026-03-07T01:00:00Z","endsAt":"2026-03-07T03:00:00Z","capacity":120,"dedicated":false}"#,
            #"{"requestId":"r","sessionId":"s","reason":"full","detail":"no seats","suspendedUntil":null}"#,
            #"{"bookingId":"b","sessionId":"s","seats":2,"requestedSeats":3,"partyKind":"group","unitId":"u"}"#,
            #"{"bookingId":"b","sessionId":"s","residentId":"r","seats":1,"lateCancellation":false}"#,
        ]
        var fuzzer = Fuzzer(
            target: "booking-events", seeds: seeds,
            tokens: ["seatsFreed", "capacity", "unitPath", "startsAt", "requestedSeats", "reason", "full", "invalid", "late", "dedicated"])
        fuzzer.run { input in
            for type in BookingEventType.all {
                _ = try? BookingFact.decode(CloudEvent(id: "fuzz", source: "/kepu/booking", type: type, data: input))
            }
        }
    }

    @Test("periods, days, times and HTTP query parameters")
    func periodsAndQueries() {
        var fuzzer = Fuzzer(
            target: "periods-and-queries",
            seeds: [
                "month:2026-11", "week:2026-W48", "quarter:2026-Q4", "year:2026", "day:2026-11-29", "phase:rollout", "2026-11-29T09:30:00.125+08:00",
                "09:30", "sz-futian", "district",
            ])
        fuzzer.run { input in
            let text = String(decoding: input, as: UTF8.self)
            if let period = ReportingPeriod(parsing: text) {
                _ = PeriodInfo(period)
                _ = period.previous
            }
            for kind in ReportingPeriod.Kind.allCases { _ = ReportingPeriod(kind: kind, key: text).days }
            if let day = ShanghaiDay(text) {
                _ = ReportingPeriod.containing(day)
                _ = day.description
            }
            if let date = input.withUnsafeBufferPointer(RFC3339.parse(bytes:)) {
                _ = RFC3339.format(date)
                _ = ReportingPeriod.containing(ShanghaiDay(date))
            }
            _ = try? SessionAdministration.parseTime(text)
            _ = BookingCommand.isCalendarDate(text)
            _ = MetricsHTTPRoutes.isUnitId(text)
            _ = UnitLevel(rawValue: text)
        }
    }

    @Test("booking's admin bodies: sessions, recurring sessions (their date arithmetic) and venues")
    func adminBodies() {
        let recurring =
            #"{"venueId":"museum-1","title":"t","fromDate":"2026-12-01","toDate":"2026-12-31","weekdays":[1,3,5],"times":["09:30","14:30"],"durationMinutes":120,"capacity":60,"bookingOpensDaysBefore":14,"cancellationHoursBefore":24}"#
        let venue =
            #"{"id":"museum-1","kind":"museum","name":"City Science Museum","unitPath":["sz"],"dedicatedSessions":{"threshold":40,"capacity":120,"cutoffDays":3,"startTime":"09:30","durationMinutes":120}}"#
        let session =
            #"{"venueId":"museum-1","startsAt":"2026-12-01T09:30:00+08:00","endsAt":"2026-12-01T11:30:00+08:00","capacity":60,"maxSeatsPerRequest":4}"#
        var fuzzer = Fuzzer(
            target: "admin-bodies", seeds: [recurring, venue, session],
            tokens: ["durationMinutes", "bookingOpensDaysBefore", "cancellationHoursBefore", "weekdays", "times", "fromDate", "toDate", "capacity"])
        fuzzer.run { input in
            let data = Data(input)
            if let body = try? CloudEvent.jsonDecoder.decode(RecurringSessionsInput.self, from: data), (try? body.validate()) != nil {
                _ = try? SessionAdministration.expand(body)
            }
            if let body = try? CloudEvent.jsonDecoder.decode(VenueInput.self, from: data) {
                _ = try? body.validate()
                _ = body.dedicatedSessions?.problem
            }
            if let body = try? CloudEvent.jsonDecoder.decode(SessionInput.self, from: data) { _ = try? body.validate() }
        }
    }

    @Test("metrics' admin bodies: targets and budgets, as the API decodes them, and the recognition weights setting")
    func metricsAdminBodies() {
        let target =
            #"{"measure":{"kpi":"books_in_stock","perResidents":100},"level":"community","siteKind":null,"periodKind":"year","scope":"sz.futian","minimum":5,"note":"5 books per 100 residents"}"#
        let rateTarget = #"{"measure":{"kpi":"staffing_rate"},"level":"site","siteKind":"station","periodKind":"month","minimum":0.8}"#
        let budget = #"{"period":"year:2025","amountFen":250000000}"#
        let weights =
            "fill_rate=15,check_in_rate=15,attendance=10,activity_reach=15,average_rating=10,staffing_rate=10,needs_met_rate=15,order_fulfilment=10"
        #expect((try? CloudEvent.decodePayload(TargetInput.self, from: Array(target.utf8))) != nil, "the seeds are valid bodies")
        #expect((try? CloudEvent.decodePayload(TargetInput.self, from: Array(rateTarget.utf8))) != nil)
        #expect((try? CloudEvent.decodePayload(BudgetInput.self, from: Array(budget.utf8))) != nil)
        var fuzzer = Fuzzer(
            target: "metrics-admin-bodies", seeds: [target, rateTarget, budget, weights],
            tokens: ["perResidents", "minimum", "periodKind", "amountFen", "phase:rollout", "quarter:2025-Q4", "1e308", "-0", "NaN", "=", ","])
        fuzzer.run { input in
            if let body = try? CloudEvent.decodePayload(TargetInput.self, from: input) { _ = body.target(id: "t") }
            if let body = try? CloudEvent.decodePayload(BudgetInput.self, from: input) { _ = ReportingPeriod(parsing: body.period)?.days }
            _ = RecognitionWeights.parse(String(decoding: input, as: UTF8.self))
        }
    }
}
