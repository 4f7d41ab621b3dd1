import Hummingbird
import KepuContracts

extension Parameters {
    /// A path parameter that names something by id: within `FieldLimit.identifier` bytes and free of control
    /// characters (a `%00` would otherwise reach SQL and fail there), else a 400 naming the parameter.
    public func requireIdentifier(_ name: String) throws -> String {
        let value = try require(name)
        do {
            try FieldLimit.check(value, name, max: FieldLimit.identifier)
        } catch {
            throw APIError.badRequest("invalid \(error)")
        }
        return value
    }
}
