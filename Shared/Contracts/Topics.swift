import KepuDomain

/// The registry of every topic in the suite (the one place that lists them; `kepu topics create` makes them).
public enum Topics {
    /// The dead-letter topic of a consuming service: records its consumers could never process, with where they
    /// came from and why in `kepu_dlq_*` headers (see `DeadLetter`). A dead letter is the original record, contact
    /// details included, so it is kept no longer than the shortest-lived topic it can come from (7 days: the
    /// frontends' request topics).
    public static func deadLetter(_ service: ServiceName) -> TopicDefinition {
        TopicDefinition(
            name: "kepu.\(service.rawValue).dlq.v1", owner: service, key: "the original record's key",
            eventTypes: [], partitions: 3, cleanup: .delete(retentionDays: deadLetterRetentionDays))
    }

    public static let deadLetterRetentionDays = 7

    /// Booking requests from frontends: seats, cancellations, check-ins. Key: the session id, so one session's
    /// requests are decided in order.
    public static let bookingRequests = TopicDefinition(
        name: "kepu.booking.requests.v1", owner: .booking,
        key: "session id (for a cancellation or check-in: the booking's session id; for a dedicated-visit request: the museum's venue id)",
        eventTypes: BookingRequestType.all, partitions: 12, cleanup: .delete(retentionDays: 7), readers: [.booking], writtenByFrontends: true)

    /// What booking decided, for frontends, other services and dashboards. Key: the session id.
    public static let bookingEvents = TopicDefinition(
        name: "kepu.booking.events.v1", owner: .booking, key: "session id (for pooling events: the museum's venue id)",
        eventTypes: BookingEventType.all, partitions: 12,
        cleanup: .delete(retentionDays: 30), readers: [.metrics, .outreachEvents])

    /// The latest value of every KPI, for dashboards: compacted, so a dashboard reading from the beginning gets
    /// the current numbers. Key: `unit|periodKind:periodKey|kpi`.
    public static let metricSnapshots = TopicDefinition(
        name: "kepu.metrics.snapshots.v1", owner: .metrics, key: "unit|periodKind:periodKey|kpi", eventTypes: MetricEventType.snapshots,
        partitions: 6, cleanup: .compact)

    /// Weak spots raised and resolved. Key: `rule|unit`.
    public static let metricAlerts = TopicDefinition(
        name: "kepu.metrics.alerts.v1", owner: .metrics, key: "rule|unit", eventTypes: MetricEventType.alerts, partitions: 3,
        cleanup: .delete(retentionDays: 90))

    /// The practice network's registry (units and sites), owned by outreach-events: compacted, so a consumer
    /// reading from the beginning gets the whole current registry. Key: the unit or site id.
    public static let networkUnits = TopicDefinition(
        name: "kepu.network.units.v1", owner: .outreachEvents, key: "unit or site id", eventTypes: NetworkEventType.all, partitions: 6,
        cleanup: .compact, readers: [.booking, .contentSupply, .metrics, .volunteer])

    /// What outreach-events decided: staff assigned and released, pairings, application steps, the menu's
    /// programmes, campaigns, orders, events and their ratings. Key: the aggregate's id.
    public static let outreachEvents = TopicDefinition(
        name: "kepu.outreach.events.v1", owner: .outreachEvents,
        key: "the aggregate's id (staff, pairing, application, programme, campaign, order or event id; a rejection: the request's key)",
        eventTypes: OutreachEventType.all + ActivityEventType.all, partitions: 6, cleanup: .delete(retentionDays: 30),
        readers: [.booking, .contentSupply, .metrics, .volunteer])

    /// What frontends ask of outreach-events: sites' orders (key: the order id) and residents' ratings (key: the
    /// event id).
    public static let outreachRequests = TopicDefinition(
        name: "kepu.outreach.requests.v1", owner: .outreachEvents, key: "order id for an order, event id for a rating",
        eventTypes: OutreachRequestType.all, partitions: 6, cleanup: .delete(retentionDays: 7), readers: [.outreachEvents],
        writtenByFrontends: true)

    /// What frontends ask of volunteer: registrations and profile changes, needs surveys, answers to offers,
    /// sign-ups and shift reports. Key: the volunteer id.
    public static let volunteerRequests = TopicDefinition(
        name: "kepu.volunteer.requests.v1", owner: .volunteer, key: "volunteer id", eventTypes: VolunteerRequestType.all, partitions: 6,
        cleanup: .delete(retentionDays: 7), readers: [.volunteer], writtenByFrontends: true)

    /// What volunteer decided: teams, volunteers (without contact details), site heads' coverage, needs, offers and
    /// assignments, events' staffing and shortfalls, service hours and star levels. Key: the aggregate's id.
    public static let volunteerEvents = TopicDefinition(
        name: "kepu.volunteer.events.v1", owner: .volunteer,
        key: "the aggregate's id (team, volunteer, unit, unit/theme or event id; a rejection: the request's key)",
        eventTypes: VolunteerEventType.all, partitions: 6, cleanup: .delete(retentionDays: 30), readers: [.contentSupply, .metrics, .outreachEvents])

    /// What frontends ask of content-supply: information officers joining a site's roster, reading activities
    /// reported. Key: the site id.
    public static let contentRequests = TopicDefinition(
        name: "kepu.content.requests.v1", owner: .contentSupply, key: "site id", eventTypes: ContentRequestType.all, partitions: 6,
        cleanup: .delete(retentionDays: 7), readers: [.contentSupply], writtenByFrontends: true)

    /// Residents' views, completions and shares of online works: the suite's busiest topic (24 partitions, so six
    /// replicas of two consumers each have work; compressed with lz4). Key: the visitor hash.
    public static let contentEngagement = TopicDefinition(
        name: "kepu.content.engagement.v1", owner: .contentSupply, key: "visitor hash", eventTypes: ContentEngagementType.all, partitions: 24,
        cleanup: .delete(retentionDays: 7), compression: "lz4", readers: [.contentSupply], writtenByFrontends: true)

    /// What content-supply decided: lots and their plans, stock, reading activities, engagement roll-ups, officers'
    /// points. Key: the aggregate's id.
    public static let contentEvents = TopicDefinition(
        name: "kepu.content.events.v1", owner: .contentSupply,
        key: "the aggregate's id (lot, site, event, work/site/day or officer id; a rejection: the request's key)",
        eventTypes: ContentEventType.all, partitions: 6, cleanup: .delete(retentionDays: 30), readers: [.metrics])

    /// Every topic, in a stable order.
    public static let all: [TopicDefinition] =
        [
            bookingRequests, bookingEvents, metricSnapshots, metricAlerts, networkUnits, outreachEvents, outreachRequests, volunteerRequests,
            volunteerEvents, contentRequests, contentEngagement, contentEvents,
        ]
        + ServiceName.all.map(deadLetter)

    public static func named(_ name: String) -> TopicDefinition? {
        all.first { $0.name == name }
    }
}
