import KepuDomain

/// When sessions were held, per site, read once for a report: what `no_recent_session` needs to judge a past day
/// (`WeakSpotHistory`) as the live rule judges today (`KPIQueries.sitesLastHeld` and `lastSessionHeld`): the
/// registry's active sites, idle since their last session or, never held, since they joined; and the other units
/// sessions named, idle since their last session. Pure once read.
struct SessionHistory: Sendable {
    /// The registry's active sites and the day each joined.
    var joined: [String: ShanghaiDay] = [:]
    /// Per site (or other unit), days sessions were held on (at least each month's last), ascending.
    var held: [String: [ShanghaiDay]] = [:]

    /// Each unit's last session day by the end of `day`, or (a site that never held one by then) the day it joined;
    /// sites that had not joined by then are left out.
    func asOf(_ day: ShanghaiDay) -> (lastHeld: [(unit: String, lastDay: ShanghaiDay)], neverHeld: Set<String>) {
        var lastHeld: [(unit: String, lastDay: ShanghaiDay)] = []
        var neverHeld = Set<String>()
        func last(_ unit: String) -> ShanghaiDay? { held[unit]?.last { $0 <= day } }
        for (site, since) in joined {
            if let held = last(site) {
                lastHeld.append((site, held))
            } else if since <= day {
                lastHeld.append((site, since))
                neverHeld.insert(site)
            }
        }
        for unit in held.keys where joined[unit] == nil {
            if let held = last(unit) { lastHeld.append((unit, held)) }
        }
        return (lastHeld.sorted { $0.unit < $1.unit }, neverHeld)
    }
}
