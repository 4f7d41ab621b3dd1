import Foundation

/// Where a service's PostgreSQL database is, from a
/// `postgres://user:password@host:port/database?sslmode=...&sslrootcert=...` URL.
public struct DatabaseSettings: Sendable, Hashable {
    /// Whether and how the connection is encrypted: libpq's `sslmode` values, those this suite supports.
    public enum TLSMode: Sendable, Hashable {
        /// Plain TCP (`sslmode=disable`, the default for a URL without `sslmode`, as before).
        case disable
        /// TLS if the server offers it, else plain; the certificate is not checked (`prefer`).
        case prefer
        /// TLS or no connection; the certificate is not checked (`require`: protects against reading, not against
        /// a server pretending to be the database).
        case require
        /// TLS, the certificate signed by `caFile` (PEM; the system's roots without it) and naming the host
        /// (`verify-full`).
        case verifyFull(caFile: String?)

        var sslmode: String {
            switch self {
            case .disable: "disable"
            case .prefer: "prefer"
            case .require: "require"
            case .verifyFull: "verify-full"
            }
        }
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String, tls: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses the URL; a reason when it is not a usable PostgreSQL URL (an unknown parameter or `sslmode` included).
    public static func parse(_ text: String) -> Result<DatabaseSettings, ConfigurationError> {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            return .failure(ConfigurationError(problems: ["not a postgres:// URL"]))
        }
        guard let host = components.host, !host.isEmpty else { return .failure(ConfigurationError(problems: ["no host"])) }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { return .failure(ConfigurationError(problems: ["no database name"])) }
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] { parameters[item.name] = item.value ?? "" }
        if let unknown = parameters.keys.sorted().first(where: { !["sslmode", "sslrootcert"].contains($0) }) {
            return .failure(ConfigurationError(problems: ["unknown parameter '\(unknown)' (sslmode and sslrootcert are supported)"]))
        }
        let tls: TLSMode
        switch parameters["sslmode"] ?? "disable" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer
        case "require": tls = .require
        case "verify-full": tls = .verifyFull(caFile: parameters["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 })
        case let other:
            return .failure(ConfigurationError(problems: ["sslmode '\(other)' is not one of disable, prefer, require, verify-full"]))
        }
        if parameters["sslrootcert"] != nil, tls.sslmode != "verify-full" {
            return .failure(ConfigurationError(problems: ["sslrootcert is only read with sslmode=verify-full"]))
        }
        if case .verifyFull(let caFile?) = tls, !FileManager.default.isReadableFile(atPath: caFile) {
            return .failure(ConfigurationError(problems: ["sslrootcert \(caFile) is not a readable file"]))
        }
        return .success(
            DatabaseSettings(
                host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
                password: components.password?.removingPercentEncoding, database: database, tls: tls))
    }

    /// The same server, another database (for tools that create the per-service databases).
    public func with(database: String) -> DatabaseSettings {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL's query for the TLS settings ("" for plain connections), to pass the settings on to a child process.
    public var tlsParameters: String {
        switch tls {
        case .disable: ""
        case .verifyFull(let caFile?):
            "?sslmode=verify-full&sslrootcert=\(caFile.addingPercentEncoding(withAllowedCharacters: Self.pathInQuery) ?? caFile)"
        default: "?sslmode=\(tls.sslmode)"
        }
    }

    /// What a file path keeps unescaped inside a query value (`&`, `=`, `+` and `#` would end or change it).
    private static let pathInQuery = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "/._-~"))

    /// For logs: never the password.
    public var redacted: String { "postgres://\(username)@\(host):\(port)/\(database)\(tlsParameters)" }
}
