import Foundation
import KepuDomain
import KepuRuntime

/// `booking`: reservations of visits and lecture seats (预约), with capacity, waitlists and no-shows.
public enum BookingService {
    /// The service as the runtime runs it, with booking's own settings read from `environment`.
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        let policy = try NoShowPolicy.load(environment: environment)
        return ServiceDefinition(
            name: .booking,
            migrations: BookingSchema.migrations,
            handlers: [
                HandlerRegistration(BookingRequestHandler(policy: policy)), HandlerRegistration(RegistrySitesHandler()),
                HandlerRegistration(EventSessionsHandler(policy: policy)),
            ],
            routes: BookingHTTPRoutes.make(policy: policy),
            background: [
                { context in NoShowSweeper.task(client: context.client, policy: policy, logger: context.logger) },
                { context in
                    SingleReplicaTask(
                        name: "booking.dedicated-session-cutoff", interval: .seconds(policy.sweepSeconds), client: context.client,
                        logger: context.logger
                    ) { transaction in
                        try await BookingDecisions(transaction: transaction, now: Date(), policy: policy).closeDuePools()
                    }
                },
            ],
            retainedTables: [RetainedTable(table: "booking_request", timeColumn: "received_at")],
            personalData: BookingSchema.contactDetails, settings: BookingSetting.declarations)
    }
}
