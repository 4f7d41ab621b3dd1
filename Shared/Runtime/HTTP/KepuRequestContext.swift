import Foundation
import Hummingbird
import KepuContracts

/// The request context of every service's HTTP API: bodies decode with the suite's JSON rules (RFC 3339 dates,
/// repeated keys refused, `ValidatedPayload` limits checked) and responses encode with sorted keys.
public struct KepuRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
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
