import KepuRuntime

/// outreach-events' HTTP API. Public: the registry's units and sites. Admin (scoped tokens): writes of one unit or
/// site, the registry's CSV import (with a dry run), staff, pairings and applications.
enum OutreachHTTPRoutes {
    static func make() -> HTTPRoutes {
        HTTPRoutes([RegistryRoutes(), OrganisationRoutes(), ApplicationRoutes()])
    }
}
