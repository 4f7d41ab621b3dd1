import NIOCore
import PostgresNIO

/// Whether a database error can go away by itself (connection lost, server restarting, serialization conflict,
/// deadlock): such errors are retried with backoff, never skipped. Anything else is a property of the input or a
/// bug, and retrying it would stall the partition.
public enum TransientError {
    /// SQLSTATE classes and codes that are worth retrying.
    static let transientStates: [String] = ["08", "40001", "40P01", "57P01", "57P02", "57P03", "53", "55P03", "58"]

    public static func isTransient(_ error: any Error) -> Bool {
        if let transaction = error as? PostgresTransactionError {
            let parts: [(any Error)?] = [transaction.beginError, transaction.closureError, transaction.commitError]
            return parts.compactMap { $0 }.contains(where: isTransient)
        }
        if let psql = error as? PSQLError {
            switch psql.code {
            case .server:
                let state = psql.serverInfo?[.sqlState] ?? ""
                return transientStates.contains { state.hasPrefix($0) }
            case .sslUnsupported, .invalidCommandTag, .unexpectedBackendMessage, .unsupportedAuthMechanism, .authMechanismRequiresPassword,
                .saslError:
                return false
            default:
                // Connection errors, closed connections, pool shut down or timed out, query cancelled.
                return true
            }
        }
        return error is ChannelError || error is IOError || error is CancellationError
    }
}
