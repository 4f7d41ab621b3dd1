import Foundation
import KepuDomain
import KepuRuntime

/// A step of the order loop (点单 → 派单 → 接单 → 汇报 → 审核 → 评单), as a table: which status it follows, who may
/// take it, and where it leads. Pure; `OrderStore` applies it. `held` and `reported` follow the order's event.
enum OrderAction: Sendable, Hashable {
    /// The district dispatches it to a provider (派单).
    case dispatch(providerId: String)
    /// The district publishes it as an open order (抢单).
    case publish
    /// An eligible provider claims an open order: the first wins, and it then stands dispatched to them.
    case claim(providerId: String)
    /// The provider accepts with a time (接单): the order's event is scheduled (a draft at the site).
    case accept(startsAt: Date, endsAt: Date)
    /// The provider declines with a reason: the order waits to be dispatched again.
    case decline
    /// The event was held.
    case held
    /// The site reported the event (汇报).
    case report
    /// The district reviews the report (审核): passed, or sent back for another report.
    case review(passed: Bool)
    /// Closed with its rating (评单).
    case close
    case cancel

    /// The step's name in events and the API.
    var name: String {
        switch self {
        case .dispatch: "dispatch"
        case .publish: "publish"
        case .claim: "claim"
        case .accept: "accept"
        case .decline: "decline"
        case .held: "held"
        case .report: "report"
        case .review: "review"
        case .close: "close"
        case .cancel: "cancel"
        }
    }

    /// Who may take the step, over the ordering site (a provider: over its own id).
    var roles: Set<AdminRole> {
        switch self {
        case .dispatch, .publish, .review: [.districtAdmin, .cityAdmin]
        case .claim, .accept, .decline: [.provider, .districtAdmin, .cityAdmin]
        case .held, .report: []
        case .close: [.districtAdmin, .cityAdmin, .siteOperator]
        case .cancel: [.districtAdmin, .cityAdmin, .siteOperator]
        }
    }

    /// Whether the step must say why.
    var needsReason: Bool {
        switch self {
        case .decline, .cancel: true
        case .review(let passed): !passed
        default: false
        }
    }

    /// The status after the step, or why it does not follow `status`.
    func next(after status: OrderStatus) -> Result<OrderStatus, WorkflowRefusal> {
        switch (self, status) {
        case (.dispatch, .placed): return .success(.dispatched)
        case (.publish, .placed): return .success(.open)
        case (.claim, .open): return .success(.dispatched)
        case (.accept, .dispatched): return .success(.accepted)
        case (.decline, .dispatched): return .success(.placed)
        case (.held, .accepted): return .success(.held)
        case (.report, .held): return .success(.reported)
        case (.review(let passed), .reported): return .success(passed ? .reviewed : .held)
        case (.close, .reviewed): return .success(.closed)
        case (.cancel, .placed), (.cancel, .dispatched), (.cancel, .open), (.cancel, .accepted): return .success(.cancelled)
        case (.claim, _): return .failure(WorkflowRefusal("the order is \(status.rawValue): it was claimed already or is not open"))
        default: return .failure(WorkflowRefusal("the order is \(status.rawValue): \(name) does not follow"))
        }
    }
}

/// How many working days each waiting status has before its step is overdue (nil: no deadline).
struct OrderDeadlines: Sendable, Hashable {
    var dispatchDays: Int
    var answerDays: Int
    var claimDays: Int
    var reportDays: Int
    var reviewDays: Int
    var closeDays: Int

    static let defaults = OrderDeadlines(dispatchDays: 2, answerDays: 2, claimDays: 3, reportDays: 3, reviewDays: 3, closeDays: 5)

    func workingDays(for status: OrderStatus) -> Int? {
        switch status {
        case .placed: dispatchDays
        case .dispatched: answerDays
        case .open: claimDays
        case .held: reportDays
        case .reported: reviewDays
        case .reviewed: closeDays
        case .accepted, .closed, .cancelled: nil
        }
    }

    /// When a step entering `status` at `now` is due: the same time of day `workingDays` working days (Monday to
    /// Friday, Shanghai) later. Public holidays are not known here and count as working days.
    func deadline(for status: OrderStatus, from now: Date) -> Date? {
        guard let days = workingDays(for: status) else { return nil }
        return Self.adding(workingDays: days, to: now)
    }

    static func adding(workingDays: Int, to date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = ShanghaiCalendar.timeZone
        var current = date
        var left = workingDays
        while left > 0 {
            guard let next = calendar.date(byAdding: .day, value: 1, to: current) else { break }
            current = next
            let weekday = calendar.component(.weekday, from: current)
            if weekday != 1 && weekday != 7 { left -= 1 }
        }
        return current
    }
}

/// Outreach-events' own settings (`KEPU_OUTREACH_*`).
public enum OutreachSetting: String, SettingKey {
    case dispatchDays = "KEPU_OUTREACH_DISPATCH_DAYS"
    case answerDays = "KEPU_OUTREACH_ANSWER_DAYS"
    case claimDays = "KEPU_OUTREACH_CLAIM_DAYS"
    case reportDays = "KEPU_OUTREACH_REPORT_DAYS"
    case reviewDays = "KEPU_OUTREACH_REVIEW_DAYS"
    case closeDays = "KEPU_OUTREACH_CLOSE_DAYS"
    case overdueSweepSeconds = "KEPU_OUTREACH_OVERDUE_SWEEP_SECONDS"
    case kitTravelSameDistrictMinutes = "KEPU_OUTREACH_KIT_TRAVEL_SAME_DISTRICT_MINUTES"
    case kitTravelAcrossDistrictsMinutes = "KEPU_OUTREACH_KIT_TRAVEL_ACROSS_DISTRICTS_MINUTES"

    public var declaration: SettingDeclaration {
        let defaults = OrderDeadlines.defaults
        return switch self {
        case .dispatchDays:
            SettingDeclaration(rawValue, .integer(default: defaults.dispatchDays, range: 1...60), "working days a district has to dispatch an order")
        case .answerDays:
            SettingDeclaration(
                rawValue, .integer(default: defaults.answerDays, range: 1...60), "working days a provider has to accept or decline an order")
        case .claimDays:
            SettingDeclaration(rawValue, .integer(default: defaults.claimDays, range: 1...60), "working days an open order waits for a claim")
        case .reportDays:
            SettingDeclaration(rawValue, .integer(default: defaults.reportDays, range: 1...60), "working days a site has to report a held event")
        case .reviewDays:
            SettingDeclaration(rawValue, .integer(default: defaults.reviewDays, range: 1...60), "working days a district has to review a report")
        case .closeDays:
            SettingDeclaration(
                rawValue, .integer(default: defaults.closeDays, range: 1...60), "working days from a passed review until the order is closed")
        case .overdueSweepSeconds:
            SettingDeclaration(rawValue, .integer(default: 60, range: 1...86400), "how often overdue order steps are looked for")
        case .kitTravelSameDistrictMinutes:
            SettingDeclaration(
                rawValue, .integer(default: KitTravel.defaults.sameDistrictMinutes, range: 0...1440),
                "minutes an exhibit kit takes between two stops in one district")
        case .kitTravelAcrossDistrictsMinutes:
            SettingDeclaration(
                rawValue, .integer(default: KitTravel.defaults.acrossDistrictsMinutes, range: 0...1440),
                "minutes an exhibit kit takes between districts (and from the depot)")
        }
    }
}

/// outreach-events' settings, read once at start-up.
struct OutreachConfiguration: Sendable {
    var deadlines: OrderDeadlines
    var travel: KitTravel
    var overdueSweepSeconds: Int

    static func load(environment: [String: String]) throws(ConfigurationError) -> OutreachConfiguration {
        var reader = ConfigurationReader(environment: environment)
        let configuration = OutreachConfiguration(
            deadlines: OrderDeadlines(
                dispatchDays: reader.integer(OutreachSetting.dispatchDays), answerDays: reader.integer(OutreachSetting.answerDays),
                claimDays: reader.integer(OutreachSetting.claimDays), reportDays: reader.integer(OutreachSetting.reportDays),
                reviewDays: reader.integer(OutreachSetting.reviewDays), closeDays: reader.integer(OutreachSetting.closeDays)),
            travel: KitTravel(
                sameDistrictMinutes: reader.integer(OutreachSetting.kitTravelSameDistrictMinutes),
                acrossDistrictsMinutes: reader.integer(OutreachSetting.kitTravelAcrossDistrictsMinutes)),
            overdueSweepSeconds: reader.integer(OutreachSetting.overdueSweepSeconds))
        try reader.finish()
        return configuration
    }
}
