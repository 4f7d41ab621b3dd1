import Foundation

/// Distinct residents reached, as a HyperLogLog sketch: 2^12 one-byte registers (4 KiB per unit and period).
///
/// Error: the standard error of HyperLogLog with m = 4096 registers is 1.04 / √m ≈ 1.6 % (so within ±3.2 % for
/// about 95 % of counts); below 2.5·m (10,240) distinct residents linear counting is used, which is nearly exact
/// for small counts (σ ≈ 1.1 % at 1,000 residents, less below). Sketches merge by taking each register's maximum, so the result does not depend on the
/// order events arrive in: a rebuild from the topics reaches the same estimate.
struct ReachSketch: Sendable, Hashable {
    static let precision = 12
    static let registerCount = 1 << precision

    private(set) var registers: [UInt8]

    init() { registers = [UInt8](repeating: 0, count: Self.registerCount) }

    /// From stored bytes; a wrong-sized value (never written by this code) starts empty.
    init(bytes: [UInt8]) {
        registers = bytes.count == Self.registerCount ? bytes : [UInt8](repeating: 0, count: Self.registerCount)
    }

    /// Adds one resident id; returns whether a register changed.
    @discardableResult
    mutating func insert(_ id: String) -> Bool {
        insert(hash: Self.hash(id))
    }

    /// Adds one resident by its `hash` (computed once where a resident counts in many sketches).
    @discardableResult
    mutating func insert(hash: UInt64) -> Bool {
        let index = Int(hash >> UInt64(64 - Self.precision))
        // Leading zeros of the remaining bits, plus one (capped by the bits left).
        let rest = hash << UInt64(Self.precision)
        let rank = UInt8(min(rest.leadingZeroBitCount, 64 - Self.precision) + 1)
        guard rank > registers[index] else { return false }
        registers[index] = rank
        return true
    }

    /// The registers as lowercase hex (how they are sent to PostgreSQL's `decode(_, 'hex')`).
    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(registers.count * 2)
        for register in registers {
            text.append(digits[Int(register >> 4)])
            text.append(digits[Int(register & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    var estimate: Int64 {
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1.0 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m, zeros > 0 {
            return Int64((m * log(m / Double(zeros))).rounded())
        }
        return Int64(raw.rounded())
    }

    /// A stable 64-bit hash (FNV-1a, then MurmurHash3's finaliser to spread the bits); Swift's `Hasher` is seeded
    /// per process, which would make sketches differ between runs.
    static func hash(_ id: String) -> UInt64 {
        var h = fnv1a([id])
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }
}
