import Foundation
import Hummingbird
import KepuContracts
import Logging
import PostgresNIO

/// The audit log of admin writes (`admin_audit`, every service's database): who, in which role and scope, what
/// (method, path, the answer's status), when. Written by the admin middleware once the route has answered, so
/// refused attempts are recorded too; read by city admins at `GET /admin/audit`.
public struct AdminAudit: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public struct Entry: ResponseEncodable, Equatable {
        public let id: Int64
        public let at: String
        public let subject: String
        public let role: AdminRole
        public let scope: String
        public let method: String
        public let path: String
        public let status: Int
    }

    public struct Page: ResponseEncodable {
        public let entries: [Entry]
        /// The `after` of the next page, when there may be one.
        public let next: Int64?
    }

    func record(_ identity: AdminIdentity, method: String, path: String, status: Int) async {
        do {
            try await client.query(
                """
                INSERT INTO admin_audit (subject, role, scope, method, path, status)
                VALUES (\(identity.subject), \(identity.role.rawValue), \(identity.scope), \(method), \(Self.storable(path)), \(status))
                """, logger: logger)
        } catch {
            // The write has happened; its record is lost. Loud, so an operator sees the gap.
            logger.error(
                "admin write not recorded in the audit log", metadata: ["error": "\(error)", "method": "\(method)", "path": "\(path.prefix(200))"])
        }
    }

    /// A request path as it can be stored: at most 1,000 bytes, any control character replaced (PostgreSQL refuses
    /// a NUL in text; the router passes `%00` on still encoded, but the audit does not rely on it).
    static func storable(_ path: String) -> String {
        let cleaned = String(String.UnicodeScalarView(path.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        return FieldLimit.truncated(cleaned, maxBytes: 1_000)
    }

    func page(after: Int64, limit: Int) async throws -> Page {
        let rows = try await client.query(
            """
            SELECT id, at, subject, role, scope, method, path, status FROM admin_audit WHERE id > \(after) ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var entries: [Entry] = []
        for try await (id, at, subject, role, scope, method, path, status) in rows.decode(
            (Int64, Date, String, AdminRole, String, String, String, Int).self)
        {
            entries.append(
                Entry(
                    id: id, at: ISO8601DateFormatter().string(from: at), subject: subject, role: role, scope: scope,
                    method: method, path: path, status: status))
        }
        return Page(entries: entries, next: entries.count == limit ? entries.last?.id : nil)
    }
}
