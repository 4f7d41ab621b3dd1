import BookingService
import ContentSupplyService
import Foundation
import KepuRuntime
import KepuTestSupport
import MetricsService
import OutreachEventsService
import Testing
import VolunteerService

/// Each service's OpenAPI document against the routes it registers: every route documented, every documented
/// operation served. (Responses are held to the documents by the in-process route tests and by schemathesis.)
@Suite("OpenAPI documents")
struct OpenAPIDocumentTests {
    static let definitions: [ServiceDefinition] = [
        try! BookingService.definition(environment: [:]), try! OutreachEventsService.definition(environment: [:]),
        try! VolunteerService.definition(environment: [:]), try! ContentSupplyService.definition(environment: [:]),
        try! MetricsService.definition(environment: [:]),
    ]

    @Test("every route is documented and every documented operation is served", arguments: definitions)
    func routesMatchDocument(_ definition: ServiceDefinition) throws {
        let document = try OpenAPIDocument.load(service: folder(of: definition))
        let served = Set(definition.routeTable())
        let documented = Set(document.operations)
        #expect(served.subtracting(documented).isEmpty, "\(definition.name) serves undocumented routes: \(served.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(served).isEmpty,
            "\(definition.name) documents routes it does not serve: \(documented.subtracting(served).sorted())")
        #expect(served.contains("GET /health/ready"))
    }

    @Test("every document is OpenAPI 3.1 with an operation id per operation and every $ref resolving", arguments: definitions)
    func wellFormed(_ definition: ServiceDefinition) throws {
        let document = try OpenAPIDocument.load(service: folder(of: definition))
        #expect(document.root["openapi"] as? String == "3.1.0")
        let validator = JSONSchemaValidator(root: document.root)
        var ids: [String] = []
        func walk(_ node: Any, at path: String) {
            if let object = node as? [String: Any] {
                if let reference = object["$ref"] as? String {
                    #expect(!validator.resolve(reference).isEmpty, "\(definition.name): \(path) refers to \(reference), which does not exist")
                }
                for (key, value) in object { walk(value, at: "\(path)/\(key)") }
            } else if let array = node as? [Any] {
                for (index, value) in array.enumerated() { walk(value, at: "\(path)/\(index)") }
            }
        }
        walk(document.root, at: "#")
        for (_, item) in document.root["paths"] as? [String: Any] ?? [:] {
            for (_, operation) in item as? [String: Any] ?? [:] {
                if let id = (operation as? [String: Any])?["operationId"] as? String { ids.append(id) }
            }
        }
        #expect(ids.count == document.operations.count, "\(definition.name): an operation has no operationId")
        #expect(Set(ids).count == ids.count, "\(definition.name): operation ids repeat")
    }
}

extension ServiceDefinition: CustomTestStringConvertible {
    public var testDescription: String { name.rawValue }
}
