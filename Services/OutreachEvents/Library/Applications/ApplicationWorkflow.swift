import KepuDomain
import KepuRuntime

/// The steps of an application to become a practice point, as a table: which step may follow which status,
/// who may take it, and where it leads. Pure; `ApplicationStore` applies it.
enum ApplicationAction: Sendable, Hashable {
    /// The district's review (区级审核).
    case review(passed: Bool)
    /// The on-site inspection (实地考察) set for a day (again, to move it).
    case scheduleInspection(day: ShanghaiDay)
    /// The inspection's result.
    case recordInspection(passed: Bool)
    /// The city's approval (市级审批).
    case approve(passed: Bool)
    /// Refused at whatever open step it stands.
    case reject
    /// The yearly re-evaluation of an approved practice point.
    case reevaluate(passed: Bool)

    /// The roles that may take the step (within their scope).
    var roles: Set<AdminRole> {
        switch self {
        case .review: [.reviewer, .districtAdmin, .cityAdmin]
        case .scheduleInspection, .recordInspection, .reevaluate: [.inspector, .districtAdmin, .cityAdmin]
        case .approve: [.cityAdmin]
        case .reject: [.reviewer, .inspector, .districtAdmin, .cityAdmin]
        }
    }

    /// Whether the step refuses or ends something: it must say why.
    var needsReason: Bool {
        switch self {
        case .review(let passed), .recordInspection(let passed), .approve(let passed), .reevaluate(let passed): !passed
        case .reject: true
        case .scheduleInspection: false
        }
    }

    /// The status after the step, or why it cannot follow `status`.
    func next(after status: ApplicationStatus) -> Result<ApplicationStatus, WorkflowRefusal> {
        let open: Set<ApplicationStatus> = [.submitted, .reviewed, .inspectionScheduled, .inspected]
        switch (self, status) {
        case (.review(let passed), .submitted): return .success(passed ? .reviewed : .rejected)
        case (.scheduleInspection, .reviewed), (.scheduleInspection, .inspectionScheduled): return .success(.inspectionScheduled)
        case (.recordInspection(let passed), .inspectionScheduled): return .success(passed ? .inspected : .rejected)
        case (.approve(let passed), .inspected): return .success(passed ? .approved : .rejected)
        case (.reject, _) where open.contains(status): return .success(.rejected)
        case (.reevaluate(let passed), .approved): return .success(passed ? .approved : .expired)
        default: return .failure(WorkflowRefusal("the application is \(status.rawValue): this step does not follow"))
        }
    }
}

/// Why a step cannot be taken now.
struct WorkflowRefusal: Error, Sendable, Hashable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
