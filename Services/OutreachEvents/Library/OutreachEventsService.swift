import Foundation
import KepuDomain
import KepuRuntime

/// `outreach-events`: the practice-network registry (units and sites, published on `kepu.network.units.v1`), its
/// organisation (staff), pairings and applications, the activity menu (菜单), its orders, events and campaigns, and
/// the mobile science museum's tours (on `kepu.outreach.events.v1`).
public enum OutreachEventsService {
    /// The service as the runtime runs it, with its own settings read from `environment`.
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        let configuration = try OutreachConfiguration.load(environment: environment)
        return ServiceDefinition(
            name: .outreachEvents, migrations: OutreachSchema.migrations,
            handlers: [
                HandlerRegistration(OutreachRequestHandler(deadlines: configuration.deadlines)),
                HandlerRegistration(BookingFollowerHandler(deadlines: configuration.deadlines)),
                HandlerRegistration(VolunteerFollowerHandler()),
            ],
            routes: OutreachHTTPRoutes.make(configuration),
            background: [
                { context in
                    // Each order step past its deadline is raised once (metrics alerts on it).
                    SingleReplicaTask(
                        name: "outreach-events.order-overdue", interval: .seconds(configuration.overdueSweepSeconds), client: context.client,
                        logger: context.logger
                    ) { transaction in
                        try await OrderStore(logger: context.logger, deadlines: configuration.deadlines).raiseOverdue(now: Date(), in: transaction)
                    }
                },
                { context in
                    // Approvals whose yearly re-evaluation is overdue expire, and their practice points are retired.
                    SingleReplicaTask(
                        name: "outreach-events.application-expiry", interval: .seconds(3600), client: context.client, logger: context.logger
                    ) { transaction in
                        try await ApplicationStore(client: context.client, logger: context.logger).expireOverdue(
                            today: ShanghaiDay(Date()), in: transaction)
                    }
                },
            ],
            personalData: OutreachSchema.contactDetails, settings: OutreachSetting.declarations)
    }
}
