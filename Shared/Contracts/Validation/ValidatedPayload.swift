/// A payload whose fields have limits beyond their JSON types: every string a maximum length (in UTF-8 bytes) and
/// no NUL (PostgreSQL refuses it in text), every number a range. `CloudEvent.decodeData` checks them after
/// decoding, so a consumer never holds a value it could not store, sum or send on.
public protocol ValidatedPayload {
    func validate() throws(ContractViolation)
}

/// A field outside its limits; `field` is its path in the payload (`party.residentId`).
public struct ContractViolation: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field): \(problem)" }
}
