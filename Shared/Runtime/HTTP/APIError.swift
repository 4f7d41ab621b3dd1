import Foundation
import Hummingbird

/// An answer other than success, as every service writes it: the status and `{"error": "<reason>"}`.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let reason: String

    public init(_ status: HTTPResponse.Status, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public static func badRequest(_ reason: String) -> APIError { APIError(.badRequest, reason) }
    public static func notFound(_ reason: String) -> APIError { APIError(.notFound, reason) }
    public static func conflict(_ reason: String) -> APIError { APIError(.conflict, reason) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = (try? KepuRequestContext.encoder.encode(ErrorBody(error: reason))) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The body of every error answer.
public struct ErrorBody: Codable, Sendable, Equatable {
    public let error: String
}
