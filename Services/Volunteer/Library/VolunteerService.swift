import Foundation
import KepuDomain
import KepuRuntime
import Logging
import PostgresNIO

/// `volunteer`: the Tech Volunteer Service Corps (科技志愿服务总队): its branch teams and volunteers, needs surveys,
/// matching volunteers to events' needs, service hours with star levels, and service-record certificates.
public enum VolunteerService {
    /// The service as the runtime runs it, with its own settings read from `environment`.
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        let policy = try MatchingPolicy.load(environment: environment)
        return ServiceDefinition(
            name: .volunteer, migrations: VolunteerSchema.migrations,
            handlers: [
                HandlerRegistration(VolunteerRequestHandler(policy: policy)), HandlerRegistration(RegistryFollowerHandler()),
                HandlerRegistration(OutreachFollowerHandler(policy: policy)),
            ],
            routes: VolunteerHTTPRoutes.make(policy),
            background: [
                { context in
                    // Offers expire to the next candidate; short events are offered again; shortfalls are raised once.
                    SingleReplicaTask(
                        name: "volunteer.matching-sweep", interval: .seconds(policy.sweepSeconds), client: context.client, logger: context.logger
                    ) { transaction in
                        try await MatchingSweep(policy: policy, logger: context.logger).round(now: Date(), in: transaction)
                    }
                }
            ],
            personalData: VolunteerSchema.contactDetails, settings: VolunteerSetting.declarations)
    }
}

extension VolunteerService {
    /// Ranks the volunteers who fit event `eventId` (at most `limit`), as matching does, and returns their ids best
    /// first: for `kepu-bench volunteer`, which times ranking apart from offering.
    public static func rank(event eventId: String, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await Matcher(policy: .defaults, logger: logger).rank(eventId, limit: limit, on: connection).map(\.volunteerId)
    }
}
