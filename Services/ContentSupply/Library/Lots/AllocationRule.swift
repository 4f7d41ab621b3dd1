/// How a donated lot's copies of a title are shared among sites (the plan staff approve), by a rule a district can
/// check by hand:
///
/// 1. Each site's **demand** is its unit's resident population plus `residentsPerSurveyedReader` for each resident
///    the volunteers' needs surveys found wanting reading activities there.
/// 2. Its **fair share** is its part of the demand applied to every copy the sites have had (this lot's and what
///    they received before), less what it already received: a site that had much gets less now.
/// 3. Every site first gets `minimumPerSite` copies if the lot has enough for all; else one each, in order of demand,
///    while copies last.
/// 4. The rest goes by fair share (only positive shares count), by largest remainders; ties go to the greater demand,
///    then the smaller site id.
///
/// The plan never gives more copies than the lot has, and gives all of them when any site has demand.
public enum AllocationRule {
    /// A surveyed reader counts as this many residents of demand.
    public static let residentsPerSurveyedReader = 100

    public struct Site: Sendable, Hashable {
        public var siteId: String
        public var population: Int
        public var surveyedReaders: Int
        /// Copies of the title the site received before.
        public var received: Int

        public init(siteId: String, population: Int, surveyedReaders: Int, received: Int) {
            self.siteId = siteId
            self.population = population
            self.surveyedReaders = surveyedReaders
            self.received = received
        }

        var demand: Int { max(0, population) + max(0, surveyedReaders) * residentsPerSurveyedReader }
    }

    public struct Share: Sendable, Hashable {
        public var siteId: String
        public var copies: Int
        /// Why, in words a district can check.
        public var explanation: String
    }

    public static func allocate(copies: Int, to sites: [Site], minimumPerSite: Int) -> [Share] {
        let copies = max(0, copies)
        let ordered = sites.sorted { ($0.demand, $1.siteId) > ($1.demand, $0.siteId) }
        let totalDemand = ordered.reduce(0) { $0 + $1.demand }
        guard !ordered.isEmpty, totalDemand > 0 else {
            return sites.map { Share(siteId: $0.siteId, copies: 0, explanation: "no demand recorded for any site: nothing allocated") }
        }
        var given = [String: Int](uniqueKeysWithValues: ordered.map { ($0.siteId, 0) })
        var left = copies
        // 3. The minimum (or one each by demand while copies last).
        let floor = copies >= minimumPerSite * ordered.count ? max(0, minimumPerSite) : (copies >= ordered.count ? 1 : 0)
        for site in ordered where site.demand > 0 {
            let first = floor > 0 ? floor : (left > 0 ? 1 : 0)
            let take = min(first, left)
            given[site.siteId, default: 0] += take
            left -= take
        }
        // 2 and 4. Fair shares of everything ever given, less what each had; the rest by largest remainders.
        let everything = Double(copies + ordered.reduce(0) { $0 + max(0, $1.received) })
        let wanted = ordered.map { site -> (Site, Double) in
            let fair = everything * Double(site.demand) / Double(totalDemand)
            return (site, max(0, fair - Double(max(0, site.received)) - Double(given[site.siteId] ?? 0)))
        }
        let totalWanted = wanted.reduce(0) { $0 + $1.1 }
        if left > 0, totalWanted > 0 {
            let portions = wanted.map { ($0.0, Double(left) * $0.1 / totalWanted) }
            var whole = portions.map { ($0.0, Int($0.1.rounded(.down)), $0.1 - $0.1.rounded(.down)) }
            var remaining = left - whole.reduce(0) { $0 + $1.1 }
            let byRemainder = whole.indices.sorted {
                (whole[$0].2, whole[$0].0.demand, whole[$1].0.siteId) > (whole[$1].2, whole[$1].0.demand, whole[$0].0.siteId)
            }
            for index in byRemainder where remaining > 0 {
                whole[index].1 += 1
                remaining -= 1
            }
            for (site, count, _) in whole { given[site.siteId, default: 0] += count }
            left = 0
        } else if left > 0 {
            // Every site already has its fair share: the rest by demand, one at a time.
            let demanding = ordered.filter { $0.demand > 0 }
            var index = 0
            while left > 0 {
                given[demanding[index % demanding.count].siteId, default: 0] += 1
                left -= 1
                index += 1
            }
        }
        return sites.map { site in
            let count = given[site.siteId] ?? 0
            let percent = Double(site.demand) * 100 / Double(totalDemand)
            return Share(
                siteId: site.siteId, copies: count,
                explanation:
                    "population \(site.population), \(site.surveyedReaders) surveyed readers: demand \(site.demand) (\(String(format: "%.1f", percent)) % of all); had \(site.received); minimum \(floor); gets \(count)"
            )
        }
    }
}
