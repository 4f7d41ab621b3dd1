import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A service's OpenAPI document as clients see it: `Services/<folder>/openapi.json` with the runtime's routes
/// (`Shared/Runtime/HTTP/openapi.json`) merged in.
public struct OpenAPIDocument: @unchecked Sendable {
    // @unchecked: `root` is a JSON tree read once and never mutated.
    public let root: [String: Any]

    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `folder` is the service's folder under `Services/` (`Booking`, `Metrics`, ...).
    public static func load(service folder: String) throws -> OpenAPIDocument {
        func read(_ path: String) throws -> [String: Any] {
            let data = try Data(contentsOf: repository.appendingPathComponent(path))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TestSetupError("\(path) is not a JSON object")
            }
            return object
        }
        var service = try read("Services/\(folder)/openapi.json")
        let runtime = try read("Shared/Runtime/HTTP/openapi.json")
        func merged(_ key: String, _ a: [String: Any]?, _ b: [String: Any]?) throws -> [String: Any] {
            var result = a ?? [:]
            for (name, value) in b ?? [:] {
                guard result[name] == nil else { throw TestSetupError("\(folder)'s document redefines the runtime's \(key) \(name)") }
                result[name] = value
            }
            return result
        }
        service["paths"] = try merged("path", service["paths"] as? [String: Any], runtime["paths"] as? [String: Any])
        var components = service["components"] as? [String: Any] ?? [:]
        let runtimeComponents = runtime["components"] as? [String: Any] ?? [:]
        for key in ["schemas", "securitySchemes"] {
            components[key] = try merged(key, components[key] as? [String: Any], runtimeComponents[key] as? [String: Any])
        }
        service["components"] = components
        return OpenAPIDocument(root: service)
    }

    /// Every operation, as `METHOD /path` (the form of `ServiceDefinition.routeTable()`).
    public var operations: [String] {
        let paths = root["paths"] as? [String: Any] ?? [:]
        return paths.flatMap { path, item in
            ((item as? [String: Any]) ?? [:]).keys.filter { Self.methods.contains($0) }.map { "\($0.uppercased()) \(path)" }
        }.sorted()
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]

    /// The document as one file (for schemathesis).
    public func write(to url: URL) throws {
        try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }

    /// What is wrong with `response` to `method uri` by the document: an undocumented operation or status, another
    /// content type, or a JSON body its schema refuses. Empty when it conforms.
    public func problems(method: HTTPRequest.Method, uri: String, status: Int, contentType: String?, body: [UInt8]) -> [String] {
        let path = String(uri.split(separator: "?", maxSplits: 1).first ?? "")
        guard let (template, item) = pathItem(matching: path), let operation = item[method.rawValue.lowercased()] as? [String: Any] else {
            return ["\(method) \(path): not in the document"]
        }
        guard let responses = operation["responses"] as? [String: Any], let documented = responses[String(status)] as? [String: Any] else {
            return ["\(method) \(template): status \(status) is not documented"]
        }
        guard let content = documented["content"] as? [String: Any] else { return [] }
        let mediaType = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard let media = content[mediaType] as? [String: Any] else {
            return ["\(method) \(template) \(status): content type \(mediaType) is not one of \(content.keys.sorted())"]
        }
        guard mediaType == "application/json", let schema = media["schema"] as? [String: Any] else { return [] }
        guard let value = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            return ["\(method) \(template) \(status): the body is not JSON"]
        }
        return JSONSchemaValidator(root: root).validate(value, against: schema).map { "\(method) \(template) \(status): \($0)" }
    }

    private func pathItem(matching path: String) -> (String, [String: Any])? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        for (template, item) in root["paths"] as? [String: Any] ?? [:] {
            let parts = template.split(separator: "/", omittingEmptySubsequences: true)
            guard parts.count == segments.count else { continue }
            if zip(parts, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }), let item = item as? [String: Any] { return (template, item) }
        }
        return nil
    }
}

/// A test client that holds every response to the service's OpenAPI document: a response the document does not
/// describe fails the request with the problems listed.
public struct DocumentedClient: TestClientProtocol {
    let inner: any TestClientProtocol
    let document: OpenAPIDocument

    public init(_ inner: any TestClientProtocol, document: OpenAPIDocument) {
        self.inner = inner
        self.document = document
    }

    public var port: Int? { inner.port }

    public func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        let response = try await inner.executeRequest(uri: uri, method: method, headers: headers, body: body)
        let problems = document.problems(
            method: method, uri: uri, status: Int(response.status.code), contentType: response.headers[.contentType],
            body: Array(buffer: response.body))
        guard problems.isEmpty else { throw TestSetupError("the response breaks the OpenAPI document:\n" + problems.joined(separator: "\n")) }
        return response
    }
}
