import KepuRuntime

/// outreach-events' HTTP API. Public: the registry's units and sites. Admin (bearer token): writes of one unit or
/// site, and the registry's CSV import (with a dry run).
enum OutreachHTTPRoutes {
    static func make() -> HTTPRoutes {
        HTTPRoutes([RegistryRoutes()])
    }
}
