import KepuDomain

extension KPITarget {
    /// The default target set (migration 9 writes it, for the whole network; admins change or remove it): the plan's
    /// "常态化" (every station holds an activity a month), its staffing line (every center's head a registered
    /// volunteer), and a district scoring sheet in use elsewhere (per community and year: at least 6 lectures,
    /// participation of at least 20 % of the residents, a youth share of at least 50 %, at least 5 science books per
    /// 100 residents).
    static let defaults = defaultsOfMigration9 + defaultsOfMigration15

    /// The set migration 9 wrote (frozen: a later default comes with a migration of its own).
    static let defaultsOfMigration9: [KPITarget] = [
        KPITarget(
            id: "station-monthly-activity", measure: TargetMeasure(.count(.activitiesHeld)), level: .site, siteKind: .station,
            periodKind: .month, scope: nil, minimum: 1, note: "every station holds at least one activity a month (常态化)"),
        KPITarget(
            id: "center-head-volunteer", measure: TargetMeasure(.count(.siteHeadsRegistered)), level: .site, siteKind: .center,
            periodKind: .month, scope: nil, minimum: 1, note: "every center's head is a registered tech volunteer (四(三))"),
        KPITarget(
            id: "community-lectures-year", measure: TargetMeasure(.count(.lecturesHeld)), level: .community, siteKind: nil,
            periodKind: .year, scope: nil, minimum: 6, note: "at least 6 lectures a year per community (district scoring sheet)"),
        KPITarget(
            id: "community-participation-year", measure: TargetMeasure(.count(.activityParticipants), perResidents: 1), level: .community,
            siteKind: nil, periodKind: .year, scope: nil, minimum: 0.2,
            note: "participants of at least 20 % of the residents a year (district scoring sheet; participations, not distinct residents)"),
        KPITarget(
            id: "community-books-per-100", measure: TargetMeasure(.count(.booksInStock), perResidents: 100), level: .community,
            siteKind: nil, periodKind: .year, scope: nil, minimum: 5, note: "at least 5 science books per 100 residents (district scoring sheet)"),
    ]

    /// Written by migration 15, once outreach counted young people at held events: the sheet's youth share.
    static let defaultsOfMigration15: [KPITarget] = [
        KPITarget(
            id: "community-youth-share-year", measure: TargetMeasure(.rate(.youthShare)), level: .community, siteKind: nil,
            periodKind: .year, scope: nil, minimum: 0.5,
            note: "young people at least 50 % of the activities' participants a year (district scoring sheet; uncounted events count none)")
    ]
}
