import Foundation
import KepuKafka
import Testing

@testable import KepuContracts

/// Input built to hurt: what every consumer's decoding refuses, and what it costs.
@Suite("Contracts against hostile input")
struct HostileContractTests {
    /// A valid `claimTokenHash` member, so each request below fails only for what it is built to show.
    static let claim = #""claimTokenHash":"e3b98a4da31a127d4bde6e43033f66ba274cab0eb7eb1c70ec41402bf6273dd8""#

    func event(_ json: String) -> CloudEvent {
        CloudEvent(source: "/test", type: "kepu.test.v1", data: Array(json.utf8))
    }

    @Test("a repeated key is refused, written plainly or with escapes, in the fast path and where Foundation would decode")
    func repeatedKeys() throws {
        let party = #""party":{"kind":"individual","residentId":"r","seats":1}"#
        for json in [
            #"{\#(Self.claim),"requestId":"a","sessionId":"s",\#(party),"party":{"kind":"individual","residentId":"r","seats":999}}"#,
            #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1,"seats":999}}"#,
            #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1,"se\u0061ts":999}}"#,
            // An escaped value sends the decoding to Foundation, which would take the last "seats".
            #"{\#(Self.claim),"requestId":"a\n","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1,"seats":999}}"#,
        ] {
            #expect(throws: JSONRejection.self, "\(json)") { try event(json).decodeData(as: SeatsRequested.self) }
        }
        // An escaped key that is a different key is read by its unescaped name.
        let request = try event(#"{\#(Self.claim),"requestId":"a","s\u0065ssionId":"s",\#(party)}"#).decodeData(as: SeatsRequested.self)
        #expect(request.sessionId == "s")
    }

    @Test("an object of 120,000 distinct keys is checked for repeats in one pass, and a repeat among them is found")
    func manyKeys() throws {
        var json = "{"
        for index in 0..<120_000 { json += "\"k\(index)\":0," }
        let distinct = json + "\"requestId\":\"x\"}"
        #expect(try JSONFastPath.check(Array(distinct.utf8)))
        let repeated = json + "\"k77777\":1}"
        #expect(throws: JSONRejection.duplicateKey("k77777")) { try JSONFastPath.check(Array(repeated.utf8)) }
    }

    @Test("nesting deeper than 64 levels is refused, not handed on")
    func deepNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONRejection.tooDeep(limit: 64)) { try event(deep).decodeData(as: [Int].self) }
    }

    @Test("strings over their maximum, NULs and control characters are refused with the field named")
    func fieldLimits() throws {
        func violation(_ json: String) -> ContractViolation? {
            do {
                _ = try event(json).decodeData(as: SeatsRequested.self)
                return nil
            } catch {
                return error as? ContractViolation
            }
        }
        let long = String(repeating: "s", count: 280_000)
        #expect(
            violation(#"{\#(Self.claim),"requestId":"a","sessionId":"\#(long)","party":{"kind":"individual","residentId":"r","seats":1}}"#)?.field
                == "sessionId")
        #expect(
            violation(#"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"individual","residentId":"r\u0000","seats":1}}"#)?.field
                == "party.residentId")
        #expect(
            violation(
                #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1},"contact":{"name":"张\u0000三","phone":"1"}}"#
            )?.field == "contact.name")
        #expect(
            violation(
                #"{\#(Self.claim),"requestId":"\#(String(repeating: "r", count: 3000))","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1}}"#
            )?.field == "requestId")
        #expect(
            violation(#"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"group","unitId":"u","headcount":-5}}"#)?.field
                == "party.headcount")
        // Multi-byte text counts in bytes: 67 Chinese characters are 201 bytes, over a name's 200.
        #expect(
            violation(
                #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1},"contact":{"name":"\#(String(repeating: "张", count: 67))","phone":"1"}}"#
            )?.field == "contact.name")
        #expect(
            violation(
                #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1},"contact":{"name":"\#(String(repeating: "张", count: 66))","phone":"1"}}"#
            ) == nil)
    }

    @Test("a forged cancellation freeing Int.min seats is refused at decode")
    func eventRanges() {
        let json = #"{"requestId":"a","bookingId":"b","sessionId":"s","seatsFreed":\#(Int.min),"late":false}"#
        #expect(throws: ContractViolation(field: "seatsFreed", "must be 0...1000000, got \(Int.min)")) {
            try event(json).decodeData(as: BookingCancelled.self)
        }
    }

    @Test("a dead letter of a record at the size limit still fits in a record: key, headers, error and value cut, and said so")
    func deadLetterFits() {
        let headers = (0..<20).map { KafkaHeader(name: "h\($0)", value: Array(repeating: 0x41, count: 45_000)) }
        let message = KafkaConsumerMessage(
            topic: "kepu.booking.requests.v1", partition: 3, offset: 42, key: Array(repeating: 0x6B, count: 999_000),
            value: Array(repeating: 0x76, count: 999_000), headers: headers)
        let error = String(repeating: "错", count: 1000) // 3,000 bytes
        let letter = DeadLetter(failed: message, consumer: "booking.requests", errorCode: "handler_failed", error: error)
        let record = letter.kafkaMessage(topic: "kepu.booking.dlq.v1")
        let size = (record.key?.count ?? 0) + record.value.count + record.headers.reduce(0) { $0 + $1.name.utf8.count + ($1.value?.count ?? 0) }
        #expect(size < 500_000, "\(size) bytes")
        #expect(record.headers.value(named: DeadLetter.keyTruncatedHeader) == Array("999000".utf8))
        #expect(record.headers.value(named: DeadLetter.truncatedHeader) == Array("999000".utf8))
        #expect(record.headers.value(named: DeadLetter.headersDroppedHeader) != nil)
        let errorText = String(decoding: record.headers.value(named: DeadLetter.errorHeader) ?? [], as: UTF8.self)
        #expect(errorText.utf8.count <= DeadLetter.maxErrorBytes && errorText.utf8.count > DeadLetter.maxErrorBytes - 3)
        #expect(errorText.allSatisfy { $0 == "错" }, "cut on a character boundary")
    }

    @Test("a request with a field its schema does not define is refused, naming the field; events stay open to new optional fields")
    func unknownFields() throws {
        func violation<T: Decodable>(_ type: T.Type, _ json: String) -> String? {
            do {
                _ = try event(json).decodeData(as: T.self)
                return nil
            } catch {
                return (error as? ContractViolation)?.field ?? "\(error)"
            }
        }
        #expect(
            violation(
                SeatsRequested.self,
                #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1},"extra":1}"#) == "extra")
        #expect(
            violation(
                SeatsRequested.self,
                #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"group","unitId":"u","headcount":5,"acceptpartial":true}}"#)
                == "party.acceptpartial")
        // A field of the other kind of party is not one of this kind's.
        #expect(
            violation(
                SeatsRequested.self,
                #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1,"acceptPartial":true}}"#)
                == "party.acceptPartial")
        #expect(
            violation(
                SeatsRequested.self,
                #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"individual","residentId":"r","seats":1},"contact":{"name":"n","phone":"1","email":"e"}}"#
            ) == "contact.email")
        #expect(violation(CancellationRequested.self, #"{"requestId":"a","bookingId":"b","claimToken":"c","reason":"x"}"#) == "reason")
        #expect(
            violation(
                SeatsRequested.self,
                #"{\#(Self.claim),"requestId":"a","sessionId":"s","party":{"kind":"group","unitId":"u","headcount":5,"acceptPartial":true},"contact":null}"#
            ) == nil)
        // An event with a field this build does not know yet (added by a newer booking) is read.
        #expect(
            violation(BookingCancelled.self, #"{"requestId":"a","bookingId":"b","sessionId":"s","seatsFreed":2,"late":false,"refund":"none"}"#) == nil
        )
    }
}
