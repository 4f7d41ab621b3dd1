import KepuDomain
import KepuRuntime

/// `metrics`: monitoring and assessment (监测评估): KPIs per unit and period from the other services' events,
/// weak-spot alerts, recognition rankings, the dashboard and the evaluation report.
public enum MetricsService {
    /// The service as the runtime runs it, with metrics' own settings read from `environment`.
    public static func definition(environment: [String: String]) throws(ConfigurationError) -> ServiceDefinition {
        let settings = try MetricsSettings.load(environment: environment)
        let foldRate = FoldRate(busyAbove: settings.busyEventsPerSecond)
        let snapshotsWanted = Wakeup()
        return ServiceDefinition(
            name: .metrics,
            migrations: MetricsSchema.migrations,
            handlers: [
                HandlerRegistration(BookingEventsHandler(sessions: SessionCache(), foldRate: foldRate, snapshotsWanted: snapshotsWanted)),
                HandlerRegistration(RegistryHandler(snapshotsWanted: snapshotsWanted)),
                HandlerRegistration(OutreachEventsHandler(snapshotsWanted: snapshotsWanted)),
                HandlerRegistration(VolunteerEventsHandler(snapshotsWanted: snapshotsWanted)),
                HandlerRegistration(ContentEventsHandler(snapshotsWanted: snapshotsWanted)),
            ],
            routes: MetricsHTTPRoutes.make(settings: settings),
            background: [
                { context in SnapshotPublisher.task(context: context, settings: settings, foldRate: foldRate, wakeup: snapshotsWanted) },
                { context in WeakSpotAlerts.task(context: context, settings: settings) },
            ],
            settings: MetricsSetting.declarations)
    }
}
