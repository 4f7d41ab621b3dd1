import Testing

@testable import BookingService

/// Booking ids and check-in codes: their documented shape, and random enough not to repeat.
@Suite("Booking ids and check-in codes")
struct BookingCodeTests {
    @Test("a booking id is bk_ and 16 lowercase hex digits; a code is 6 symbols of the 32 that cannot be misread")
    func shapes() {
        let hex = Set("0123456789abcdef")
        let symbols = Set(CheckInCode.alphabet)
        #expect(CheckInCode.alphabet.count == 32 && symbols.count == 32, "five bits per symbol need exactly 32 symbols")
        #expect(symbols.isDisjoint(with: "01IO"))
        var ids = Set<String>()
        var codes = Set<String>()
        for _ in 0..<2000 {
            let id = BookingDecisions.newBookingID()
            #expect(id.hasPrefix("bk_") && id.count == 19 && id.dropFirst(3).allSatisfy(hex.contains), "\(id)")
            ids.insert(id)
            let code = CheckInCode.make()
            #expect(code.count == 6 && code.allSatisfy(symbols.contains), "\(code)")
            codes.insert(code)
        }
        #expect(ids.count == 2000)
        // 2^30 codes: 2000 draws collide with probability under 0.2 %; more than a few repeats means little randomness.
        #expect(codes.count >= 1995)
        // Every symbol turns up in every position over 2000 codes (each is missing from one with probability ~1e-27).
        for position in 0..<6 {
            #expect(Set(codes.map { Array($0)[position] }) == symbols, "position \(position)")
        }
    }
}
