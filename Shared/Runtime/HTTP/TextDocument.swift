import Hummingbird

/// A text response of a given content type (an HTML page, a CSV export), optionally as a download.
public struct TextDocument: ResponseGenerator {
    public let contentType: String
    public let text: String
    public var disposition: String?

    public init(contentType: String, text: String, disposition: String? = nil) {
        self.contentType = contentType
        self.text = text
        self.disposition = disposition
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        if let disposition { headers[.contentDisposition] = disposition }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
