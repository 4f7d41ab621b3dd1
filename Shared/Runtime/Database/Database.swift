import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle

/// A service's PostgreSQL connection pool, as a `Service` that stops on graceful shutdown (after the services that
/// use it, when it is first in the `ServiceGroup`).
public struct Database: Service {
    public let client: PostgresClient

    public init(settings: DatabaseSettings, poolSize: Int, logger: Logger) {
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: Self.tls(settings.tls))
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    public func run() async {
        // PostgresClient.run() only ends on cancellation; end it on graceful shutdown too.
        await cancelWhenGracefulShutdown { await client.run() }
    }
}

extension Database {
    /// libpq's `sslmode` as a TLS configuration and whether TLS is required (nil: plain TCP). `prefer` and
    /// `require` do not check the certificate (as libpq); `verify-full` checks the chain against the CA file (or
    /// the system's roots) and the host name.
    public static func tlsConfiguration(_ mode: DatabaseSettings.TLSMode) -> (configuration: TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable:
            return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
            return (configuration, mode != .prefer)
        case .verifyFull(let caFile):
            configuration.certificateVerification = .fullVerification
            if let caFile { configuration.trustRoots = .file(caFile) }
            return (configuration, true)
        }
    }

    static func tls(_ mode: DatabaseSettings.TLSMode) -> PostgresClient.Configuration.TLS {
        guard let (configuration, required) = tlsConfiguration(mode) else { return .disable }
        return required ? .require(configuration) : .prefer(configuration)
    }

    /// The same for a single connection (tools, tests); throws when the TLS context cannot be made (an unreadable
    /// CA file), never falling back to plain TCP.
    public static func connectionTLS(_ mode: DatabaseSettings.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        guard let (configuration, required) = tlsConfiguration(mode) else { return .disable }
        let context = try NIOSSLContext(configuration: configuration)
        return required ? .require(context) : .prefer(context)
    }
}
