import Hummingbird

/// An authenticated admin caller: who (`subject`), in which role, over which part of the network (`scope`: a unit
/// or site id; everything at and under it).
public struct AdminIdentity: Sendable, Hashable {
    public let subject: String
    public let role: AdminRole
    public let scope: String

    public init(subject: String, role: AdminRole, scope: String) {
        self.subject = subject
        self.role = role
        self.scope = scope
    }

    /// The break-glass identity of the static admin token.
    static let breakGlass = AdminIdentity(subject: "operator", role: .breakGlass, scope: "*")

    /// Whether the caller's scope covers something whose path (city first, ending with the thing itself when it
    /// is a unit or a site) is `path`.
    public func covers(_ path: [String]) -> Bool {
        role == .breakGlass || path.contains(scope)
    }

    /// Refuses (403, with the reason) unless the caller has one of `roles` and, when `path` is given, covers it.
    /// The operator's break-glass token passes every check.
    public func require(_ roles: Set<AdminRole>, over path: [String]? = nil) throws(APIError) {
        guard role == .breakGlass || roles.contains(role) else {
            throw APIError(.forbidden, "the role \(role.rawValue) may not do this (\(roles.map(\.rawValue).sorted().joined(separator: ", ")) may)")
        }
        if let path, !covers(path) {
            throw APIError(.forbidden, "\(path.last ?? "this") is outside the scope \(scope)")
        }
    }
}
