import ArgumentParser
import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuRuntime
import KepuTooling
import Synchronization

/// `kepu demo`: booking traffic the way frontends send it, at a chosen rate, against the running suite.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Seed the registry, demo venues and sessions, the activity menu and events, volunteers, books and a donation, then publish realistic booking requests, sites' orders and residents' ratings, volunteers' requests and residents' engagement with online works (and read the answers) until Ctrl-C."
    )
    @OptionGroup var kafka: KafkaOptions
    @Option(help: "Requests per second.") var rate = 20.0
    @Option(help: "Stop after this many seconds (0: run until Ctrl-C).") var duration = 0
    @Option(help: "booking's HTTP port (for seeding through its admin API).") var bookingPort = 8081
    @Option(help: "outreach-events' HTTP port (for importing the registry); booking alone is seeded without it.") var outreachPort = 8082
    @Option(help: "volunteer's HTTP port (for seeding the corps); skipped when it does not answer.") var volunteerPort = 8083
    @Option(help: "content-supply's HTTP port (for the catalogue and a donation); skipped when it does not answer.") var contentPort = 8084
    @Option(help: "The registry file to import (default: infra/data/shenzhen-registry.csv).") var registry: String?
    @Option(help: "Admin token (default: $KEPU_ADMIN_TOKEN, else kepu dev's default).") var adminToken: String?
    @Flag(
        help:
            "Instead: import the registry, publish a synthetic 2022-2025 programme as the services' own events (ids `hist.`, titles （模拟）) and the districts' budgets, then exit."
    )
    var history = false
    @Option(help: "With --history: the share of the full history's activities (0.01-1).") var historyScale = 1.0
    @Option(help: "metrics' HTTP port (for the budgets, with --history).") var metricsPort = 8085

    func run() async throws {
        let token = adminToken ?? ProcessInfo.processInfo.environment["KEPU_ADMIN_TOKEN"] ?? "dev-admin-token-change-me"
        let imported = await DemoData.seedRegistry(outreachPort: outreachPort, adminToken: token, file: DemoData.registryFile(registry)) { step($0) }
        if history { return try await publishHistory(adminToken: token) }
        let sessions = try await DemoData.seed(bookingPort: bookingPort, adminToken: token, fromRegistry: imported) { step($0) }
        // The corps first: the campaign events' volunteer needs are then offered to it at once.
        let volunteers = imported ? await DemoVolunteers.seed(volunteerPort: volunteerPort, adminToken: token) { step($0) } : false
        let activities = imported ? await DemoActivities.seed(outreachPort: outreachPort, adminToken: token) { step($0) } : false
        let producer = try KafkaProducer(configuration: try kafka.producer())
        let content =
            imported ? await DemoContent.seed(contentPort: contentPort, adminToken: token, producer: producer) { step($0) } : false
        let confirmed = ConfirmedBookings()
        let outcomes = try KafkaConsumer(
            configuration: try kafka.consumer(groupId: "kepu-demo-\(UUID().uuidString.prefix(8))", overrides: ["auto.offset.reset": "latest"]))
        try outcomes.subscribe(topics: [Topics.bookingEvents.name])
        let reader = Task { try await confirmed.follow(outcomes) }
        defer { reader.cancel() }

        var generator = SystemRandomNumberGenerator()
        let started = ContinuousClock.now
        var sent = 0
        var lastReport = ContinuousClock.now
        while duration == 0 || ContinuousClock.now - started < .seconds(duration) {
            // One request in 25 is a site's order or a resident's rating (outreach-events), one in 25 a needs survey
            // or an answer to an offer (volunteer), one in 5 a resident's view, completion or share of an online work
            // (content-supply), the rest booking's.
            let message =
                if content && sent % 5 == 3 {
                    DemoContent.request(using: &generator)
                } else if activities && sent % 25 == 24 {
                    DemoActivities.request(using: &generator)
                } else if volunteers && sent % 25 == 12 {
                    await DemoVolunteers.request(volunteerPort: volunteerPort, adminToken: token, using: &generator)
                } else {
                    nextRequest(sessions: sessions, confirmed: confirmed, using: &generator)
                }
            _ = try await producer.send(message)
            sent += 1
            if ContinuousClock.now - lastReport > .seconds(5) {
                step("demo: \(sent) requests sent; answers so far: \(confirmed.summary())")
                lastReport = .now
            }
            // Pace to the rate; the send itself takes part of the interval.
            let due = started + .seconds(Double(sent) / rate)
            if due > .now { try await Task.sleep(until: due) }
        }
        step("demo: \(sent) requests sent; answers: \(confirmed.summary())")
        await outcomes.close()
        await producer.shutdown()
    }

    /// `--history`: the programme's past, published once (published again, it changes nothing).
    func publishHistory(adminToken: String) async throws {
        guard (0.01...1).contains(historyScale) else { throw ValidationError("--history-scale must be within 0.01...1") }
        guard let file = DemoData.registryFile(registry) else { throw ValidationError("the registry file was not found (--registry)") }
        let history = try DemoHistory(registry: file)
        let published = history.events(scale: historyScale)
        let events = published.events
        let producer = try KafkaProducer(configuration: try kafka.producer())
        var sent = 0
        while sent < events.count {
            let chunk = Array(events[sent..<min(events.count, sent + 5_000)])
            for result in await producer.send(chunk, stopAtFirstFailure: true) { _ = try result.get() }
            sent += chunk.count
            if sent % 50_000 < chunk.count { step("history: \(sent) of \(events.count) events published") }
        }
        await producer.shutdown()
        step(
            "history: \(events.count) synthetic events of 2022-2025 published, \(published.activities) activities held (\(history.districts.count) districts; pilots from 2022: \(history.pilotSince.keys.sorted().joined(separator: ", ")))"
        )
        let headers = ["Authorization": "Bearer \(adminToken)", "Content-Type": "application/json"]
        step("history: per topic " + published.perTopic.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        step("history: city totals " + published.totals.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        var set = 0
        for budget in DemoHistory.budgets(costs: published.costs) {
            let answer = await httpRequest(
                port: metricsPort, method: "PUT", path: "/admin/budgets/\(budget.unit)", headers: headers,
                body: #"{"period":"\#(budget.period)","amountFen":\#(budget.amountFen)}"#)
            if answer?.status == 200 { set += 1 }
        }
        step(set == 0 ? "history: no budget set (metrics did not take them on port \(metricsPort))" : "history: \(set) district budgets set")
    }

    /// 72% individual requests of 1-4 seats, 3% groups asking the museum for a dedicated session on a day 4-14 days
    /// ahead, 12% groups from practice sites, 10% cancellations, 3% check-ins.
    func nextRequest(sessions: [String], confirmed: ConfirmedBookings, using generator: inout SystemRandomNumberGenerator) -> KafkaProducerMessage {
        let roll = Int.random(in: 0..<100, using: &generator)
        let requestId = "demo-\(UUID().uuidString.lowercased())"
        if roll >= 87, let booking = confirmed.randomBooking(using: &generator) {
            let type = roll >= 97 ? BookingRequestType.checkInRequested : BookingRequestType.cancellationRequested
            let payload = #"{"requestId":"\#(requestId)","bookingId":"\#(booking.id)","claimToken":"\#(booking.claimToken)"}"#
            return CloudEvent(source: "/frontend/kepu-demo", type: type, data: Array(payload.utf8))
                .kafkaMessage(topic: Topics.bookingRequests.name, key: booking.session)
        }
        // As a frontend does: draw the booking's claim token, keep it, send only its hash.
        let claimToken = ClaimToken.generate()
        confirmed.remember(claimToken, for: requestId)
        let claim = #""claimTokenHash":"\#(ClaimToken.hash(claimToken))""#
        if (72..<75).contains(roll) {
            let date = ShanghaiCalendar.day(Date().addingTimeInterval(TimeInterval(Int.random(in: 4...14, using: &generator) * 86400)))
            let unit =
                ["sz.futian.lianhua.c01", "sz.futian.lianhua", "sz.nanshan.shekou", "sz.nanshan.yuehai"].randomElement(using: &generator) ?? "sz"
            let payload =
                #"{"requestId":"\#(requestId)","venueId":"\#(DemoData.museum)","date":"\#(date)","unitId":"\#(unit)","headcount":\#(Int.random(in: 8...30, using: &generator)),"contact":{"name":"演示老师","phone":"13800000001"},\#(claim)}"#
            return CloudEvent(source: "/frontend/kepu-demo", type: BookingRequestType.dedicatedVisitRequested, data: Array(payload.utf8))
                .kafkaMessage(topic: Topics.bookingRequests.name, key: DemoData.museum)
        }
        // Demand is skewed: the first sessions (the nearest days) are wanted most.
        let index = min(sessions.count - 1, Int(Double(sessions.count) * pow(Double.random(in: 0..<1, using: &generator), 2.5)))
        let session = sessions[index]
        let party: String
        if roll >= 75 {
            let unit =
                ["sz.futian.lianhua.c01", "sz.futian.lianhua", "sz.nanshan.shekou", "sz.nanshan.yuehai"].randomElement(using: &generator) ?? "sz"
            party =
                #"{"kind":"group","unitId":"\#(unit)","headcount":\#(Int.random(in: 5...30, using: &generator)),"acceptPartial":\#(Bool.random(using: &generator))}"#
        } else {
            party =
                #"{"kind":"individual","residentId":"demo-r-\#(Int.random(in: 1...5000, using: &generator))","seats":\#(Int.random(in: 1...4, using: &generator))}"#
        }
        let payload =
            #"{"requestId":"\#(requestId)","sessionId":"\#(session)","party":\#(party),"contact":{"name":"演示用户","phone":"13800000000"},\#(claim)}"#
        return CloudEvent(source: "/frontend/kepu-demo", type: BookingRequestType.seatsRequested, data: Array(payload.utf8))
            .kafkaMessage(topic: Topics.bookingRequests.name, key: session)
    }
}

/// Bookings the demo saw confirmed (to cancel or check in some), the claim tokens of its requests (a frontend's own
/// store: they never travel on the bus), and a count of answers by type.
final class ConfirmedBookings: Sendable {
    struct Booking: Sendable {
        let id: String
        let claimToken: String
        let session: String
    }

    private struct State {
        var bookings: [Booking] = []
        var counts: [String: Int] = [:]
        var tokens: [String: String] = [:]
    }

    private let state = Mutex(State())

    func remember(_ claimToken: String, for requestId: String) {
        state.withLock { state in
            // Answers come within seconds; a bounded memory of the latest requests is enough for a demo.
            if state.tokens.count > 20_000 { state.tokens.removeAll(keepingCapacity: true) }
            state.tokens[requestId] = claimToken
        }
    }

    func follow(_ consumer: KafkaConsumer) async throws {
        for try await batch in consumer.batches(maxMessages: 500, maxWait: .milliseconds(200)) {
            for message in batch.messages {
                guard let event = try? CloudEvent(kafkaMessage: message) else { continue }
                let kind = event.type.split(separator: ".").dropFirst(2).first.map(String.init) ?? event.type
                let confirmation = event.type == BookingEventType.confirmed ? try? event.decodeData(as: BookingConfirmed.self) : nil
                state.withLock { state in
                    state.counts[kind, default: 0] += 1
                    if let confirmation, let token = state.tokens.removeValue(forKey: confirmation.requestId) {
                        state.bookings.append(Booking(id: confirmation.bookingId, claimToken: token, session: confirmation.sessionId))
                        if state.bookings.count > 5000 { state.bookings.removeFirst(1000) }
                    }
                }
            }
        }
    }

    func randomBooking(using generator: inout SystemRandomNumberGenerator) -> Booking? {
        let bookings = state.withLock { $0.bookings }
        guard !bookings.isEmpty else { return nil }
        let booking = bookings[Int.random(in: 0..<bookings.count, using: &generator)]
        state.withLock { $0.bookings.removeAll { $0.id == booking.id } }
        return booking
    }

    func summary() -> String {
        state.withLock { $0.counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
    }
}
