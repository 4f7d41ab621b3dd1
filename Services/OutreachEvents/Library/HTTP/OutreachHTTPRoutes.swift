import KepuRuntime

/// outreach-events' HTTP API. Public: the registry's units and sites. Admin (scoped tokens): writes of one unit or
/// site, the registry's CSV import (with a dry run), staff, pairings and applications; the menu, orders, events,
/// campaigns and the mobile science museum's tours.
enum OutreachHTTPRoutes {
    static func make(_ configuration: OutreachConfiguration) -> HTTPRoutes {
        HTTPRoutes([
            RegistryRoutes(), OrganisationRoutes(), ApplicationRoutes(), MenuRoutes(), OrderRoutes(deadlines: configuration.deadlines),
            EventRoutes(deadlines: configuration.deadlines), TourRoutes(travel: configuration.travel, deadlines: configuration.deadlines),
        ])
    }
}
