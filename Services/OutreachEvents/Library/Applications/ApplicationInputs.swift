import KepuContracts
import KepuDomain

/// `POST /admin/applications`: a site applying to become a practice point on a street or community.
struct ApplicationSubmission: Decodable, ClosedPayload, ValidatedPayload {
    struct Contact: Decodable {
        let name: String
        let phone: String
    }

    let applicationId: String
    let siteName: String
    let unitId: String
    let address: String?
    let description: String?
    /// The applicant's contact person (kept in this service only, erased once the application is closed).
    let contact: Contact

    static var fields: PayloadFields {
        .object([
            "applicationId": .value, "siteName": .value, "unitId": .value, "address": .value, "description": .value,
            "contact": .object(["name": .value, "phone": .value]),
        ])
    }

    /// Application ids leave room for the practice point's id (`point.<applicationId>`).
    static let maximumIdBytes = 100

    func validate() throws(ContractViolation) {
        guard RegistryRowText.isIdentifier(applicationId), applicationId.utf8.count <= Self.maximumIdBytes else {
            throw ContractViolation(field: "applicationId", "is not an id of at most \(Self.maximumIdBytes) bytes (a-z 0-9 - _ .)")
        }
        try FieldLimit.check(siteName, "siteName", max: FieldLimit.name)
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.check(address, "address", max: FieldLimit.address)
        try FieldLimit.check(description, "description", max: FieldLimit.text)
        try FieldLimit.check(contact.name, "contact.name", max: FieldLimit.name)
        try FieldLimit.check(contact.phone, "contact.phone", max: FieldLimit.phone)
    }
}

/// `POST /admin/applications/{id}/steps`: one step of the workflow.
struct ApplicationStepInput: Decodable, ClosedPayload, ValidatedPayload {
    enum Action: String, Decodable {
        case review
        case scheduleInspection = "schedule_inspection"
        case recordInspection = "record_inspection"
        case approve, reject, reevaluate
    }

    let action: Action
    /// For review, record_inspection, approve and reevaluate: the outcome.
    let passed: Bool?
    /// For schedule_inspection: the day (yyyy-MM-dd).
    let day: String?
    /// Why; required when the step refuses or ends something.
    let comment: String?

    static var fields: PayloadFields { .object(["action": .value, "passed": .value, "day": .value, "comment": .value]) }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(day, "day", max: FieldLimit.code)
        try FieldLimit.check(comment, "comment", max: FieldLimit.text)
    }

    /// The workflow's action, or what is missing.
    func workflowAction() -> Result<ApplicationAction, WorkflowRefusal> {
        func outcome() -> Result<Bool, WorkflowRefusal> {
            passed.map { .success($0) } ?? .failure(WorkflowRefusal("\(action.rawValue) needs passed: true or false"))
        }
        let made: Result<ApplicationAction, WorkflowRefusal>
        switch action {
        case .review: made = outcome().map { .review(passed: $0) }
        case .recordInspection: made = outcome().map { .recordInspection(passed: $0) }
        case .approve: made = outcome().map { .approve(passed: $0) }
        case .reevaluate: made = outcome().map { .reevaluate(passed: $0) }
        case .reject: made = .success(.reject)
        case .scheduleInspection:
            guard let day, day.utf8.count == 10, let parsed = ShanghaiDay(day) else {
                return .failure(WorkflowRefusal("schedule_inspection needs day: yyyy-MM-dd"))
            }
            made = .success(.scheduleInspection(day: parsed))
        }
        if case .success(let action) = made, action.needsReason, (comment ?? "").isEmpty {
            return .failure(WorkflowRefusal("a refusal says why: comment is required"))
        }
        return made
    }
}
