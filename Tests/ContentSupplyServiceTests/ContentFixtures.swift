import Foundation
import KepuContracts
import KepuDomain
import KepuKafka
import KepuTestSupport

/// The registry, books and records content-supply's tests publish, as their owners publish them.
enum ContentFixtures {
    static let futian = ["sz", "sz.futian"]
    static let nanshan = ["sz", "sz.nanshan"]

    static func site(_ id: String, kind: SiteKind = .station, unit: String, path: [String], population: Int?) -> NetworkSiteRecord {
        NetworkSiteRecord(
            siteId: id, kind: kind, name: "站点 \(id)", address: "深圳", unitId: unit, unitPath: path, unitPopulation: population, status: .active,
            since: nil, until: nil)
    }

    /// Three stations in Futian (populations 30,000, 10,000 and unknown), a center there, one station in Nanshan.
    static let sites: [NetworkSiteRecord] = [
        site("st.a", unit: "sz.futian.a", path: futian + ["sz.futian.a"], population: 30_000),
        site("st.b", unit: "sz.futian.b", path: futian + ["sz.futian.b"], population: 10_000),
        site("st.c", unit: "sz.futian.c", path: futian + ["sz.futian.c"], population: nil),
        site("ce.futian", kind: .center, unit: "sz.futian", path: futian, population: 0),
        site("st.n", unit: "sz.nanshan.a", path: nanshan + ["sz.nanshan.a"], population: 20_000),
    ]

    static func registry(_ sites: [NetworkSiteRecord] = sites) throws -> [KafkaProducerMessage] {
        try sites.map {
            try CloudEvent(
                source: ServiceName.outreachEvents.eventSource, type: NetworkEventType.siteRecorded, subject: "site/\($0.siteId)", payload: $0
            )
            .kafkaMessage(topic: Topics.networkUnits.name, key: $0.siteId)
        }
    }

    static func needs(_ aggregate: NeedsAggregate) throws -> KafkaProducerMessage {
        try CloudEvent(
            source: ServiceName.volunteer.eventSource, type: VolunteerEventType.needsAggregated, subject: "unit/\(aggregate.unitId)",
            payload: aggregate
        ).kafkaMessage(topic: Topics.volunteerEvents.name, key: "\(aggregate.unitId)/\(aggregate.theme)")
    }

    static func request(_ type: String, key: String, _ json: String) -> KafkaProducerMessage {
        CloudEvent(source: "/frontend/test", type: type, data: Array(json.utf8)).kafkaMessage(topic: Topics.contentRequests.name, key: key)
    }

    /// A visitor's hash: 64 hex digits from a number.
    static func visitor(_ number: Int) -> String { visitorHash(number) }

    static func engagement(
        work: String, site: String, visitor: Int, action: EngagementAction = .view, officer: String? = nil, at: Date = Date(), id: String? = nil
    ) -> KafkaProducerMessage {
        let hash = self.visitor(visitor)
        let officerField = officer.map { #","officerId":"\#($0)""# } ?? ""
        let json =
            #"{"workId":"\#(work)","siteId":"\#(site)","visitorHash":"\#(hash)","action":"\#(action.rawValue)"\#(officerField),"occurredAt":"\#(RFC3339.format(at))"}"#
        var event = CloudEvent(source: "/frontend/kepu-app", type: ContentEngagementType.workEngaged, data: Array(json.utf8))
        if let id { event.id = id }
        return event.kafkaMessage(topic: Topics.contentEngagement.name, key: hash)
    }

    static let book = #"{"title":"时间简史","authors":["史蒂芬·霍金"],"category":"popular_science","ageBand":"adults","publisher":"湖南科学技术出版社"}"#
    static let isbn = "9787535732217"
    static let isbn2 = "9780205309023"
}
