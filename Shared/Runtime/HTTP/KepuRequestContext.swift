import Foundation
import Hummingbird
import KepuContracts

/// The request context of every service's HTTP API: bodies decode with the suite's JSON rules (RFC 3339 dates,
/// repeated keys refused, `ValidatedPayload` limits checked) and responses encode with sorted keys.
public struct KepuRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    /// The admin caller, set by `AdminAuthMiddleware` on `/admin` routes.
    public var identity: AdminIdentity?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The admin caller of an `/admin` route, checked for one of `roles` and (given `path`) its scope: 403 with
    /// the reason otherwise. The one place every service's admin routes check who may do what.
    @discardableResult
    public func authorize(_ roles: Set<AdminRole>, over path: [String]? = nil) throws -> AdminIdentity {
        guard let identity else { throw APIError(.unauthorized, "no admin credentials") }
        try identity.require(roles, over: path)
        return identity
    }

    /// Admin bodies are small: a megabyte is far above any valid one (a year of recurring sessions is a few KB).
    public var maxUploadSize: Int { 1 << 20 }
    public var requestDecoder: RequestBodyDecoder { RequestBodyDecoder() }
    public var responseEncoder: JSONEncoder { Self.encoder }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

/// Decodes a JSON body as the bus decodes a payload (`CloudEvent.decodeData`), so the API and the topics accept
/// the same JSON; anything refused is a 400 naming the reason.
public struct RequestBodyDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, "the body is larger than \(context.maxUploadSize) bytes")
        }
        do {
            return try CloudEvent.decodePayload(T.self, from: Array(buffer: buffer))
        } catch let violation as ContractViolation {
            throw APIError(.badRequest, "invalid field \(violation)")
        } catch {
            throw APIError(.badRequest, "invalid JSON body: \(error)")
        }
    }
}
