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
        let units = KnownUnits()
        return ServiceDefinition(
            name: .metrics,
            migrations: MetricsSchema.migrations,
            handlers: [
                HandlerRegistration(
                    BookingEventsHandler(sessions: SessionCache(), foldRate: foldRate, snapshotsWanted: snapshotsWanted, knownUnits: units)),
                HandlerRegistration(RegistryHandler(snapshotsWanted: snapshotsWanted, knownUnits: units)),
                HandlerRegistration(OutreachEventsHandler(snapshotsWanted: snapshotsWanted, knownUnits: units)),
                HandlerRegistration(VolunteerEventsHandler(snapshotsWanted: snapshotsWanted, knownUnits: units)),
                HandlerRegistration(ContentEventsHandler(snapshotsWanted: snapshotsWanted, knownUnits: units)),
            ],
            routes: MetricsHTTPRoutes.make(settings: settings),
            background: [
                { context in SnapshotPublisher.task(context: context, settings: settings, foldRate: foldRate, wakeup: snapshotsWanted) },
                { context in WeakSpotAlerts.task(context: context, settings: settings) },
            ],
            settings: MetricsSetting.declarations)
    }
}
