import Foundation
import KepuContracts
import KepuTestSupport
import Testing

/// A message's examples in the AsyncAPI document against its Swift type: each validates against the schema, decodes
/// within its limits, encodes again to what the schema allows, and names the message's CloudEvents type.
func checkExamples<Payload: Codable & ValidatedPayload>(of message: String, as type: Payload.Type, _ validator: JSONSchemaValidator) throws {
    let resolved = validator.resolve("#/components/messages/\(message)")
    let schema = try #require(resolved["payload"] as? [String: Any])
    let examples = try #require(resolved["examples"] as? [[String: Any]])
    #expect(!examples.isEmpty, "\(message) has examples")
    for example in examples {
        let payload = try #require(example["payload"])
        #expect(validator.validate(payload, against: schema).isEmpty, "\(message): the example validates")
        let decoded = try CloudEvent.decodePayload(Payload.self, from: Array(try JSONSerialization.data(withJSONObject: payload)))
        let encoded = try JSONSerialization.jsonObject(with: Data(try CloudEvent.encodeData(decoded)))
        let problems = validator.validate(encoded, against: schema)
        #expect(problems.isEmpty, "\(message): the Swift encoding validates: \(problems)")
        #expect((example["headers"] as? [String: Any])?["ce_type"] as? String == resolved["x-ce-type"] as? String)
    }
}
