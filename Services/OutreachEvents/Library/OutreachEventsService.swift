import Foundation
import KepuDomain
import KepuRuntime

/// `outreach-events`: the practice-network registry (units and sites, published on `kepu.network.units.v1`), its
/// organisation (staff), pairings and applications (on `kepu.outreach.events.v1`), and (to come) the activity menu
/// (菜单) and its events.
public enum OutreachEventsService {
    /// The service as the runtime runs it, with its own settings read from `environment` (none yet).
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        ServiceDefinition(
            name: .outreachEvents, migrations: OutreachSchema.migrations, routes: OutreachHTTPRoutes.make(),
            background: [
                { context in
                    // Approvals whose yearly re-evaluation is overdue expire, and their practice points are retired.
                    SingleReplicaTask(
                        name: "outreach-events.application-expiry", interval: .seconds(3600), client: context.client, logger: context.logger
                    ) { transaction in
                        try await ApplicationStore(client: context.client, logger: context.logger).expireOverdue(
                            today: ShanghaiDay(Date()), in: transaction)
                    }
                }
            ],
            personalData: OutreachSchema.contactDetails)
    }
}
