import Foundation
import Hummingbird
import KepuContracts
import KepuDomain

/// A site's order for a programme (点单): `POST /admin/orders`, or an order request from a site's frontend.
struct OrderInput: Decodable, ClosedPayload, ValidatedPayload {
    let orderId: String
    let siteId: String
    let programmeId: String
    let from: String
    let until: String
    let expectedAudience: Int
    let note: String?

    static var fields: PayloadFields {
        .object([
            "orderId": .value, "siteId": .value, "programmeId": .value, "from": .value, "until": .value, "expectedAudience": .value,
            "note": .value,
        ])
    }

    func validate() throws(ContractViolation) {
        guard RegistryRowText.isIdentifier(orderId), orderId.utf8.count <= FieldLimit.identifier else {
            throw ContractViolation(field: "orderId", "is not an id (a-z 0-9 - _ ., at most \(FieldLimit.identifier) bytes)")
        }
        // The same limits as an order request from a site's frontend.
        try OrderRequested(
            requestId: "r", orderId: orderId, siteId: siteId, programmeId: programmeId, from: from, until: until,
            expectedAudience: expectedAudience, note: note
        ).validate()
    }
}

/// `POST /admin/orders/{id}/steps`: one step of the loop.
struct OrderStepInput: Decodable, ClosedPayload, ValidatedPayload {
    enum Action: String, Decodable {
        case dispatch, publish, claim, accept, decline, review, close, cancel
    }

    let action: Action
    /// For dispatch and claim: the provider.
    let providerId: String?
    /// For accept: when the event is.
    let startsAt: Date?
    let endsAt: Date?
    /// For review: the outcome.
    let passed: Bool?
    /// Why; required to decline, cancel, or fail a review.
    let reason: String?

    static var fields: PayloadFields {
        .object(["action": .value, "providerId": .value, "startsAt": .value, "endsAt": .value, "passed": .value, "reason": .value])
    }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(providerId, "providerId", max: FieldLimit.identifier)
        try FieldLimit.check(reason, "reason", max: FieldLimit.text)
        try FieldLimit.checkTime(startsAt, "startsAt")
        try FieldLimit.checkTime(endsAt, "endsAt")
        if let startsAt, let endsAt { try FieldLimit.checkTimes(startsAt, endsAt, "endsAt") }
    }

    /// The workflow's action, or what is missing for it.
    func workflowAction() -> Result<OrderAction, WorkflowRefusal> {
        let action: OrderAction
        switch self.action {
        case .dispatch, .claim:
            guard let providerId else { return .failure(WorkflowRefusal("\(self.action.rawValue) needs providerId")) }
            action = self.action == .dispatch ? .dispatch(providerId: providerId) : .claim(providerId: providerId)
        case .publish: action = .publish
        case .accept:
            guard let startsAt, let endsAt else { return .failure(WorkflowRefusal("accept needs startsAt and endsAt")) }
            action = .accept(startsAt: startsAt, endsAt: endsAt)
        case .decline: action = .decline
        case .review:
            guard let passed else { return .failure(WorkflowRefusal("review needs passed")) }
            action = .review(passed: passed)
        case .close: action = .close
        case .cancel: action = .cancel
        }
        if action.needsReason, (reason ?? "").isEmpty { return .failure(WorkflowRefusal("\(self.action.rawValue) needs a reason")) }
        return .success(action)
    }
}

/// An order as admins see it, with every step.
struct OrderView: ResponseEncodable {
    struct Step: Encodable {
        let status: OrderStatus
        let step: String
        let actor: String
        let actorRole: String
        let at: Date
        let reason: String?
    }

    let orderId: String
    let status: OrderStatus
    let siteId: String
    let programmeId: String
    let providerId: String?
    let from: String
    let until: String
    let expectedAudience: Int
    let note: String?
    let eventId: String?
    let deadline: Date?
    let overdue: Bool
    let steps: [Step]
}
