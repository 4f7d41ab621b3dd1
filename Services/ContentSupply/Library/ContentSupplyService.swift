import KepuDomain
import KepuRuntime

/// `content-supply`: science books to the sites (the catalogue, donated lots allocated by measured need and
/// population, receipts, stock and loans), reading activities, 科普中国's online works and their reach, and its
/// information officers (信息员).
public enum ContentSupplyService {
    /// The service as the runtime runs it, with its own settings read from `environment`.
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        let policy = try ContentPolicy.load(environment: environment)
        let rate = VisitorRate(perMinute: policy.visitorEventsPerMinute)
        return ServiceDefinition(
            name: .contentSupply, migrations: ContentSchema.migrations,
            handlers: [
                HandlerRegistration(EngagementHandler(rate: rate, batchSize: policy.engagementBatchSize)),
                HandlerRegistration(ContentRequestHandler()),
                HandlerRegistration(RegistryFollowerHandler()), HandlerRegistration(VolunteerFollowerHandler()),
                HandlerRegistration(OutreachFollowerHandler()),
            ],
            routes: HTTPRoutes([CatalogueRoutes(), LotRoutes(), StockRoutes(policy: policy), EngagementRoutes()]),
            background: [
                { context in
                    SingleReplicaTask(
                        name: "content.roll-ups", interval: .seconds(policy.rollUpSeconds), client: context.client, logger: context.logger
                    ) { transaction in try await RollUpPublisher().round(in: transaction) }
                }
            ],
            personalData: ContentSchema.contactDetails, settings: ContentSetting.declarations)
    }
}
