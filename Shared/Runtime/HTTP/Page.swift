import Hummingbird
import KepuContracts

/// `after` and `limit` of a paged list (keyset paging by id), checked.
public enum Page {
    public static let maximum = 500

    public static func read(_ request: Request) throws -> (after: String, limit: Int) {
        let after = request.uri.queryParameters.get("after") ?? ""
        do {
            try FieldLimit.check(after, "after", max: FieldLimit.identifier, allowEmpty: true)
        } catch {
            throw APIError.badRequest("invalid \(error)")
        }
        guard let text = request.uri.queryParameters.get("limit") else { return (after, 100) }
        guard let limit = Int(text), (1...maximum).contains(limit) else { throw APIError.badRequest("limit is 1...\(maximum)") }
        return (after, limit)
    }

    /// An optional identifier in the query (`?site=...`), checked.
    public static func identifier(_ request: Request, _ name: String) throws -> String? {
        guard let value = request.uri.queryParameters.get(name) else { return nil }
        do {
            try FieldLimit.check(value, name, max: FieldLimit.identifier)
        } catch {
            throw APIError.badRequest("invalid \(error)")
        }
        return value
    }
}
