import Foundation
import KepuCSV
import KepuContracts
import KepuDomain
import KepuKafka

/// A plausible programme from March 2022 to December 2025 (`kepu demo --history`), as the services' own events:
/// the pilot districts (the registry's `pilot_since`) alone in 2022, every district from 2023, activity growing year
/// by year with campaign seasons (全国科技活动周 in May, 科普月 in September) at about twice the usual pace, one
/// district lagging its peers, volunteers joining and serving, books stocked and online works viewed. Everything
/// is synthetic and says so: every id starts `hist.`, every title ends （模拟）, and the events' source is the
/// services' own with the path `/history` (`/kepu/outreach-events/history`), so they can be told apart and dropped.
/// Deterministic for a seed: published again, every event repeats its id and changes nothing.
struct DemoHistory {
    struct Site {
        let id: String
        let kind: SiteKind
        /// The site's unit path, city first (its community, street or district).
        let unitPath: [String]
        var district: String { unitPath.count > 1 ? unitPath[1] : unitPath[0] }
    }

    /// The city (the districts' parent).
    let city: String
    let districts: [String]
    /// The day each pilot district started (2022).
    let pilotSince: [String: ShanghaiDay]
    /// Per district, its communities' unit paths (city first).
    let communities: [String: [[String]]]
    let sites: [Site]

    /// Reads the registry file's districts, communities and sites.
    init(registry file: URL) throws {
        let bytes = try Data(contentsOf: file)
        let columns = ["type", "id", "parent", "name", "population", "estimated", "address", "status", "since", "until", "pilot_since"]
        let rows = try CSVTable.rows(from: bytes, columns: columns, maximumRows: 1_000_000).filter { !$0.malformed }
        var parent: [String: String] = [:]
        var type: [String: String] = [:]
        for row in rows {
            type[row.columns[1]] = row.columns[0]
            if !row.columns[2].isEmpty { parent[row.columns[1]] = row.columns[2] }
        }
        func path(_ id: String) -> [String] {
            var chain = [id]
            while let up = parent[chain[0]], chain.count < 8 { chain.insert(up, at: 0) }
            return chain
        }
        var districts: [String] = []
        var city = "sz"
        var pilots: [String: ShanghaiDay] = [:]
        var communities: [String: [[String]]] = [:]
        var sites: [Site] = []
        for row in rows {
            let (kind, id) = (row.columns[0], row.columns[1])
            if kind == UnitLevel.district.rawValue {
                districts.append(id)
                city = row.columns[2]
                if let day = ShanghaiDay(row.columns[10]) { pilots[id] = day }
            } else if kind == UnitLevel.community.rawValue {
                let unitPath = path(id)
                if unitPath.count > 1 { communities[unitPath[1], default: []].append(unitPath) }
            } else if let siteKind = SiteKind(rawValue: kind), row.columns[7].isEmpty || row.columns[7] == "active" {
                sites.append(Site(id: id, kind: siteKind, unitPath: path(row.columns[2])))
            }
        }
        self.city = city
        self.districts = districts
        self.pilotSince = pilots
        self.communities = communities
        self.sites = sites
    }

    /// The months of the programme, March 2022 to December 2025.
    static func programmeMonths() -> [(year: Int, month: Int)] {
        var months: [(Int, Int)] = []
        for year in 2022...2025 { for month in (year == 2022 ? 3 : 1)...12 { months.append((year, month)) } }
        return months
    }

    static let themes = ["health", "ecology", "rumour_debunking", "ai", "space", "marine", "emergency_safety", "low_carbon"]
    static let hostKinds: Set<SiteKind> = [.station, .practicePoint, .institute, .center]

    /// Activities a host site holds a month, on average, in each year of the programme.
    static func monthlyPace(year: Int) -> Double { [2022: 0.6, 2023: 0.8, 2024: 1.0, 2025: 1.2][year] ?? 1 }

    /// The campaign held in a month, if any.
    static func campaign(year: Int, month: Int) -> String? {
        switch month {
        case 5: "hist.science-week-\(year)"
        case 9: "hist.science-month-\(year)"
        default: nil
        }
    }

    func isActive(district: String, on day: ShanghaiDay) -> Bool {
        if day.civil.year >= 2023 { return true }
        guard let since = pilotSince[district] else { return false }
        return day >= since
    }

    /// What the history publishes.
    struct Published {
        /// Every event, each stream in its own order.
        let events: [KafkaProducerMessage]
        let activities: Int
        /// Records per topic.
        let perTopic: [String: Int]
        /// What each district's activities cost each year, in fen.
        let costs: [String: [Int: Int64]]
        /// The city's totals over the whole history of a few KPIs, by name: what metrics must count.
        let totals: [String: Int64]
    }

    /// The whole history; `scale` thins the activities, volunteers and views (1 = the full pace).
    func events(scale: Double, seed: UInt64 = 2022) -> Published {
        var random = SplitMix(seed: seed)
        func roll() -> Double { Double(random.next() % 1_000_000) / 1_000_000 }
        var outreach: [KafkaProducerMessage] = []
        var booking: [KafkaProducerMessage] = []
        var volunteer: [KafkaProducerMessage] = []
        var content: [KafkaProducerMessage] = []
        func message(_ topic: String, _ service: ServiceName, _ type: String, key: String, time: Date, _ payload: some Encodable, id: String)
            -> KafkaProducerMessage?
        {
            (try? CloudEvent(id: id, source: service.eventSource + "/history", type: type, time: time, subject: key, payload: payload))?
                .kafkaMessage(topic: topic, key: key)
        }
        // The lagging district: the last one in the registry, at a third of the others' pace.
        let lagging = districts.last
        var corps: [String: [String]] = [:]
        var minutesServed: [String: Int] = [:]
        var starsReached: [String: Int] = [:]
        var joined = 0
        let hosts = sites.filter { Self.hostKinds.contains($0.kind) }
        var activity = 0
        var costs: [String: [Int: Int64]] = [:]
        var totals: [String: Int64] = [:]
        for (year, month) in Self.programmeMonths() {
            let first = ShanghaiDay(year: year, month: month, day: 1)
            let monthStart = first.start
            // Volunteers join in every active district, more each year.
            for district in districts where isActive(district: district, on: first) {
                let newcomers = max(1, Int((Double(year - 2021) * 3 * scale).rounded()))
                let homes = communities[district] ?? [[city, district]]
                for _ in 0..<newcomers {
                    joined += 1
                    let id = "hist.vol.\(joined)"
                    let home = homes[Int(random.next() % UInt64(max(1, homes.count)))]
                    corps[district, default: []].append(id)
                    let record = VolunteerRecord(
                        volunteerId: id, teamId: "hist.team.\(district)", role: .volunteer, siteId: nil,
                        skills: [Self.themes[Int(random.next() % UInt64(Self.themes.count))]], homeUnitPath: home,
                        active: true)
                    if let event = message(
                        Topics.volunteerEvents.name, .volunteer, VolunteerEventType.volunteerRecorded, key: id, time: monthStart, record,
                        id: "\(id).joined")
                    {
                        volunteer.append(event)
                    }
                }
            }
            for site in hosts where isActive(district: site.district, on: first) {
                let campaign = Self.campaign(year: year, month: month)
                var pace = Self.monthlyPace(year: year) * scale * (campaign == nil ? 1 : 1.8)
                if site.district == lagging { pace /= 3 }
                let count = Int(pace) + (roll() < pace - Double(Int(pace)) ? 1 : 0)
                for _ in 0..<count {
                    activity += 1
                    let id = "hist.ev.\(activity)"
                    let day = 1 + Int(random.next() % 28)
                    let startsAt = ShanghaiDay(year: year, month: month, day: day).start.addingTimeInterval(
                        Double(9 + Int(random.next() % 10)) * 3600)
                    let formatRoll = roll()
                    let format: ActivityFormat =
                        formatRoll < 0.45
                        ? .lecture : formatRoll < 0.6 ? .reading : formatRoll < 0.72 ? .visit : formatRoll < 0.9 ? .workshop : .exhibition
                    let theme = Self.themes[Int(random.next() % UInt64(Self.themes.count))]
                    var attendance = EventAttendance(
                        checkedIn: 15 + Int(random.next() % 40) + (year - 2022) * 5, walkIns: Int(random.next() % 12), durationMinutes: 90)
                    // Young people: most of a space or AI event, a third or more of the others and more each year (no draw
                    // of its own, so the rest of the history stays as it was).
                    let youthPercent = theme == "space" || theme == "ai" ? 75 : 30 + (year - 2022) * 6 + day % 12
                    attendance.youth = (attendance.checkedIn + attendance.walkIns) * youthPercent / 100
                    let record = ActivityEventRecord(
                        eventId: id, status: .reported, title: "\(theme) \(format.rawValue)（模拟）", siteId: site.id, siteKind: site.kind,
                        sitePath: site.unitPath, theme: theme, format: format, campaigns: campaign.map { [$0] } ?? [], startsAt: startsAt,
                        endsAt: startsAt.addingTimeInterval(5_400), costFen: 60_000 + Int(random.next() % 90_000), attendance: attendance,
                        tourId: format == .exhibition ? "hist.tour.\(year)" : nil)
                    costs[site.district, default: [:]][year, default: 0] += Int64(record.costFen ?? 0)
                    let reported = startsAt.addingTimeInterval(86_400)
                    outreach += [
                        message(
                            Topics.outreachEvents.name, .outreachEvents, ActivityEventType.eventRecorded, key: id, time: reported, record,
                            id: "\(id).reported"),
                        message(
                            Topics.outreachEvents.name, .outreachEvents, ActivityEventType.eventRated, key: id, time: reported,
                            EventRated(eventId: id, rating: EventRating(ratings: 3 + Int(random.next() % 20), average: 3.6 + roll() * 1.4)),
                            id: "\(id).rated"),
                    ].compactMap { $0 }
                    if format == .lecture {
                        let session = bookings(of: id, at: site, startsAt: startsAt, year: year, random: &random)
                        booking += session.messages
                        totals["bookings_made", default: 0] += Int64(session.bookings)
                    }
                    // Two volunteers asked for; one or two came and served; their hours verified.
                    let pool = corps[site.district] ?? []
                    let accepted = pool.isEmpty ? 0 : 1 + Int(random.next() % 2)
                    if let staffed = message(
                        Topics.volunteerEvents.name, .volunteer, VolunteerEventType.eventStaffed, key: id, time: startsAt.addingTimeInterval(-86_400),
                        EventStaffing(
                            eventId: id, sitePath: site.unitPath + [site.id], needed: 2, accepted: accepted, offered: 0, short: 2 - accepted),
                        id: "\(id).staffed")
                    {
                        volunteer.append(staffed)
                    }
                    // Distinct people: a volunteer's hours at one event are one record.
                    let first = pool.isEmpty ? 0 : Int(random.next() % UInt64(pool.count))
                    let helpers = pool.isEmpty ? [] : Array(Set([pool[first], pool[(first + 1) % pool.count]].prefix(accepted))).sorted()
                    for (helper, person) in helpers.enumerated() {
                        let minutes = 120 + Int(random.next() % 4) * 30
                        let hours = ServiceHoursRecord(
                            volunteerId: person, teamId: "hist.team.\(site.district)", eventId: id, minutes: minutes, status: .verified,
                            day: ShanghaiDay(startsAt).description)
                        if let event = message(
                            Topics.volunteerEvents.name, .volunteer, VolunteerEventType.hoursRecorded, key: person, time: reported, hours,
                            id: "\(id).hours.\(helper)")
                        {
                            volunteer.append(event)
                        }
                        minutesServed[person, default: 0] += minutes
                        totals["verified_service_minutes", default: 0] += Int64(minutes)
                        let reached = StarLevel.allCases.filter { $0.hours * 60 <= minutesServed[person, default: 0] }.last
                        if let reached, reached.rawValue > starsReached[person, default: 0] {
                            starsReached[person] = reached.rawValue
                            let star = StarLevelReached(
                                volunteerId: person, teamId: "hist.team.\(site.district)", level: reached,
                                verifiedHours: Double(minutesServed[person, default: 0]) / 60)
                            if let event = message(
                                Topics.volunteerEvents.name, .volunteer, VolunteerEventType.starLevelReached, key: person, time: reported, star,
                                id: "\(person).star.\(reached.rawValue)")
                            {
                                volunteer.append(event)
                            }
                        }
                    }
                }
                // Books on the shelf, counted each quarter (more each year), and the month's views of two works.
                if month % 3 == 0 {
                    let copies = 20 + (year - 2022) * 15 + Int(random.next() % 10)
                    let stock = StockRecord(siteId: site.id, unitPath: site.unitPath, isbn: "9787020002207", copies: copies, onLoan: copies / 5)
                    if let event = message(
                        Topics.contentEvents.name, .contentSupply, ContentEventType.stockChanged, key: site.id, time: monthStart, stock,
                        id: "hist.stock.\(site.id).\(year)-\(month)")
                    {
                        content.append(event)
                    }
                }
                let viewDay = ShanghaiDay(year: year, month: month, day: 15)
                let views = Int64(Double(30 + Int(random.next() % 120)) * scale * Double(year - 2021))
                let rollUp = EngagementRollUp(
                    workId: "hist.work.\(year)", siteId: site.id, unitPath: site.unitPath, day: viewDay.description, views: views,
                    completions: views / 3, shares: views / 12, distinctVisitors: views / 2, distinctVisitorsError: 0.01, flagged: 0)
                if views > 0 { totals["work_views", default: 0] += views }
                if views > 0,
                    let event = message(
                        Topics.contentEvents.name, .contentSupply, ContentEventType.engagementRolledUp, key: "\(rollUp.workId)/\(site.id)/\(viewDay)",
                        time: viewDay.start.addingTimeInterval(86_400), rollUp, id: "hist.views.\(site.id).\(viewDay)")
                {
                    content.append(event)
                }
            }
            // Residents' needs surveyed in each active district at the end of a quarter, and how many were met.
            if month % 3 == 0 {
                for district in districts where isActive(district: district, on: first) {
                    let needs = 10 + (year - 2022) * 8
                    let aggregate = NeedsAggregate(
                        unitId: district, unitPath: [city, district], theme: "health", needs: needs * (month / 3 + (year - 2022) * 4),
                        people: needs * 3, met: needs * (month / 3 + (year - 2022) * 4) * 7 / 10)
                    if let event = message(
                        Topics.volunteerEvents.name, .volunteer, VolunteerEventType.needsAggregated, key: "\(district)/health", time: monthStart,
                        aggregate, id: "hist.needs.\(district).\(year)-\(month)")
                    {
                        volunteer.append(event)
                    }
                }
            }
        }
        outreach += pairings()
        // What the pairings held: each quarter one or two activities at the base with its partner, most of them a
        // visit, so some quarters meet the commitments (two activities, one a visit) and some do not.
        for (pairing, base) in pairingIds() {
            for year in 2023...2025 {
                for quarter in 0..<4 {
                    for index in 0..<(1 + Int(random.next() % 2)) {
                        activity += 1
                        let id = "hist.ev.\(activity)"
                        let startsAt = ShanghaiDay(year: year, month: quarter * 3 + 2, day: 10 + index).start.addingTimeInterval(10 * 3600)
                        let format: ActivityFormat = index == 0 && random.next() % 5 != 0 ? .visit : .lecture
                        let record = ActivityEventRecord(
                            eventId: id, status: .reported, title: "结对共建 \(format.rawValue)（模拟）", siteId: base.id, siteKind: base.kind,
                            sitePath: base.unitPath, theme: "ecology", format: format, pairingId: pairing, startsAt: startsAt,
                            endsAt: startsAt.addingTimeInterval(7_200), costFen: 50_000,
                            attendance: EventAttendance(checkedIn: 25 + Int(random.next() % 20), walkIns: 0, durationMinutes: 120, youth: 20))
                        costs[base.district, default: [:]][year, default: 0] += 50_000
                        if let event = message(
                            Topics.outreachEvents.name, .outreachEvents, ActivityEventType.eventRecorded, key: id,
                            time: startsAt.addingTimeInterval(86_400),
                            record, id: "\(id).reported")
                        {
                            outreach.append(event)
                        }
                    }
                }
            }
        }
        return Published(
            events: outreach + booking + volunteer + content, activities: activity,
            perTopic: [
                Topics.outreachEvents.name: outreach.count, Topics.bookingEvents.name: booking.count, Topics.volunteerEvents.name: volunteer.count,
                Topics.contentEvents.name: content.count,
            ], costs: costs, totals: totals.merging(["activities_held": Int64(activity)]) { $1 })
    }

    /// A lecture's session at its site as booking publishes it (the session's id is the event's), residents'
    /// bookings filling most of it, then check-ins and a few no-shows.
    private func bookings(of event: String, at site: Site, startsAt: Date, year: Int, random: inout SplitMix) -> (
        messages: [KafkaProducerMessage], bookings: Int
    ) {
        var messages: [KafkaProducerMessage] = []
        func emit(_ type: String, _ payload: some Encodable, _ suffix: String, at time: Date) {
            if let event = try? CloudEvent(
                id: "\(event).\(suffix)", source: ServiceName.booking.eventSource + "/history", type: type, time: time, subject: event,
                payload: payload)
            {
                messages.append(event.kafkaMessage(topic: Topics.bookingEvents.name, key: event.subject ?? ""))
            }
        }
        let capacity = 40 + Int(random.next() % 4) * 10
        let opened = startsAt.addingTimeInterval(-14 * 86_400)
        emit(
            BookingEventType.sessionCreated,
            SessionPublished(
                sessionId: event, venueId: site.id, venueKind: .practiceSite, unitPath: site.unitPath, title: "讲座（模拟）", startsAt: startsAt,
                endsAt: startsAt.addingTimeInterval(5_400), capacity: capacity, dedicated: false), "session", at: opened)
        // Fuller each year: about 60 % of the seats in 2022, 90 % in 2025.
        let target = capacity * (55 + (year - 2022) * 10 + Int(random.next() % 10)) / 100
        var booked = 0
        var index = 0
        while booked < target {
            index += 1
            let seats = min(target - booked, 1 + Int(random.next() % 3))
            let booking = "\(event).b\(index)"
            let resident = "hist.r.\(random.next() % 400_000)"
            emit(
                BookingEventType.confirmed,
                BookingConfirmed(
                    requestId: "\(booking).request", bookingId: booking, sessionId: event, venueId: site.id, seats: seats, partyKind: .individual,
                    residentId: resident, unitId: nil), "b\(index)", at: opened.addingTimeInterval(Double(index) * 600))
            if random.next() % 10 < 8 {
                emit(
                    BookingEventType.checkedIn,
                    BookingCheckedIn(requestId: "\(booking).check-in", bookingId: booking, sessionId: event, seats: seats),
                    "c\(index)", at: startsAt)
            } else {
                emit(
                    BookingEventType.noShowRecorded,
                    NoShowRecorded(bookingId: booking, sessionId: event, residentId: resident, seats: seats, lateCancellation: false), "n\(index)",
                    at: startsAt.addingTimeInterval(3 * 3600))
            }
            booked += seats
        }
        return (messages, index)
    }

    /// From 2023, each science base paired (结对共建) with three communities of its district.
    private func pairings() -> [KafkaProducerMessage] {
        sites.filter { $0.kind == .scienceBase }.flatMap { base in
            (communities[base.district] ?? []).prefix(3).enumerated().compactMap { index, partner -> KafkaProducerMessage? in
                let id = Self.pairingId(base: base, index: index)
                let pairing = PairingRecorded(
                    pairingId: id, baseId: base.id, basePath: base.unitPath, partnerId: partner.last ?? "", partnerPath: partner,
                    from: "2023-01-01", until: "2025-12-31", commitments: PairingCommitments(activitiesPerQuarter: 2, visitsPerQuarter: 1),
                    status: .active)
                return
                    (try? CloudEvent(
                        id: id, source: ServiceName.outreachEvents.eventSource + "/history", type: OutreachEventType.pairingCreated,
                        time: ShanghaiDay(year: 2023, month: 1, day: 1).start, subject: id, payload: pairing))?
                    .kafkaMessage(topic: Topics.outreachEvents.name, key: id)
            }
        }
    }

    static func pairingId(base: Site, index: Int) -> String { "hist.pairing.\(base.id).\(index)" }

    /// The pairings `pairings()` publishes, with their base.
    private func pairingIds() -> [(String, Site)] {
        sites.filter { $0.kind == .scienceBase }.flatMap { base in
            (0..<min(3, communities[base.district]?.count ?? 0)).map { (Self.pairingId(base: base, index: $0), base) }
        }
    }

    /// Each district's budget for each year it was active, in fen: what its activities cost, with 5-30 % to spare.
    static func budgets(costs: [String: [Int: Int64]], seed: UInt64 = 2022) -> [(unit: String, period: String, amountFen: Int64)] {
        var random = SplitMix(seed: seed)
        return costs.keys.sorted().flatMap { district in
            (costs[district] ?? [:]).keys.sorted().map { year in
                let spent = costs[district]?[year] ?? 0
                return (district, "year:\(year)", spent + spent * Int64(5 + random.next() % 26) / 100)
            }
        }
    }
}
