import Foundation

/// Where a service's PostgreSQL database is, from a `postgres://user:password@host:port/database` URL.
public struct DatabaseSettings: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses the URL; nil with a reason when it is not a usable PostgreSQL URL.
    public static func parse(_ text: String) -> Result<DatabaseSettings, ConfigurationError> {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            return .failure(ConfigurationError(problems: ["not a postgres:// URL"]))
        }
        guard let host = components.host, !host.isEmpty else { return .failure(ConfigurationError(problems: ["no host"])) }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { return .failure(ConfigurationError(problems: ["no database name"])) }
        return .success(
            DatabaseSettings(
                host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
                password: components.password?.removingPercentEncoding, database: database))
    }

    /// The same server, another database (for tools that create the per-service databases).
    public func with(database: String) -> DatabaseSettings {
        var copy = self
        copy.database = database
        return copy
    }

    /// For logs: never the password.
    public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)" }
}
