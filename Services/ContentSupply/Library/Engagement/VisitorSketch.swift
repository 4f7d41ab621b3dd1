import Foundation

/// Distinct visitors of a work at a site on a day, as a HyperLogLog sketch with 2^14 registers.
///
/// Error: HyperLogLog's relative standard error with m = 16,384 registers is 1.04 / √m ≈ 0.81 % (within ±1.6 % for
/// about 95 % of counts, ±2.4 % for 99.7 %); up to 3·m (49,152) visitors linear counting is used, nearly exact for
/// small counts and within about 1 % at the top of its range, where raw HyperLogLog is biased. Most work-site-days have few visitors, so a sketch starts **sparse** (the registers that are not
/// zero, 4 bytes each) and turns dense (16 KiB) only past 2,048 of them. Merging takes each register's maximum:
/// the result does not depend on the order visitors come in, and adding a visitor twice changes nothing.
struct VisitorSketch: Sendable, Hashable {
    static let precision = 14
    static let registerCount = 1 << precision
    /// Past this many non-zero registers a sketch is stored dense (8 KiB sparse against 16 KiB dense).
    static let sparseLimit = 2_048
    /// The relative standard error stated with every estimate.
    static let standardError = 1.04 / Double(registerCount).squareRoot()

    /// Sparse: register index → rank. Dense: every register.
    private enum Registers: Hashable {
        case sparse([UInt16: UInt8])
        case dense([UInt8])
    }

    private var registers: Registers = .sparse([:])

    init() {}

    /// From stored bytes: a leading 0 and (index, rank) triples, or a leading 1 and every register. Anything else
    /// (never written by this code) starts empty.
    init(bytes: some Collection<UInt8>) {
        guard let kind = bytes.first else { return }
        let body = Array(bytes.dropFirst())
        if kind == 1, body.count == Self.registerCount {
            registers = .dense(body)
        } else if kind == 0, body.count % 3 == 0 {
            var entries: [UInt16: UInt8] = [:]
            entries.reserveCapacity(body.count / 3)
            var index = 0
            while index < body.count {
                let register = UInt16(body[index]) << 8 | UInt16(body[index + 1])
                if Int(register) < Self.registerCount { entries[register] = body[index + 2] }
                index += 3
            }
            registers = .sparse(entries)
        }
    }

    var bytes: [UInt8] {
        switch registers {
        case .dense(let all): return [1] + all
        case .sparse(let entries):
            var out = [UInt8]()
            out.reserveCapacity(1 + entries.count * 3)
            out.append(0)
            for (register, rank) in entries.sorted(by: { $0.key < $1.key }) {
                out.append(UInt8(register >> 8))
                out.append(UInt8(register & 0xff))
                out.append(rank)
            }
            return out
        }
    }

    /// Adds a visitor by a 64-bit hash of them; returns whether a register changed.
    @discardableResult
    mutating func insert(hash: UInt64) -> Bool {
        let register = Int(hash >> UInt64(64 - Self.precision))
        let rest = hash << UInt64(Self.precision)
        let rank = UInt8(min(rest.leadingZeroBitCount, 64 - Self.precision) + 1)
        switch registers {
        case .dense(var all):
            guard rank > all[register] else { return false }
            registers = .sparse([:]) // Let go of the array's other reference before writing it.
            all[register] = rank
            registers = .dense(all)
            return true
        case .sparse(var entries):
            let key = UInt16(register)
            guard rank > entries[key] ?? 0 else { return false }
            registers = .sparse([:])
            entries[key] = rank
            if entries.count > Self.sparseLimit {
                var all = [UInt8](repeating: 0, count: Self.registerCount)
                for (index, value) in entries { all[Int(index)] = value }
                registers = .dense(all)
            } else {
                registers = .sparse(entries)
            }
            return true
        }
    }

    /// Takes in another sketch's visitors.
    mutating func merge(_ other: VisitorSketch) {
        switch other.registers {
        case .sparse(let entries):
            for (register, rank) in entries { insert(register: Int(register), rank: rank) }
        case .dense(let all):
            for (register, rank) in all.enumerated() where rank > 0 { insert(register: register, rank: rank) }
        }
    }

    private mutating func insert(register: Int, rank: UInt8) {
        // A hash whose top bits are the register and whose rest has `rank - 1` leading zeros.
        let restBits = 64 - Self.precision
        let rest: UInt64 = rank > UInt8(restBits) ? 0 : (UInt64(1) << UInt64(restBits - Int(rank)))
        insert(hash: UInt64(register) << UInt64(restBits) | rest)
    }

    var estimate: Int64 {
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        switch registers {
        case .sparse(let entries):
            zeros = Self.registerCount - entries.count
            sum = Double(zeros) + entries.values.reduce(0.0) { $0 + 1.0 / Double(UInt64(1) << UInt64($1)) }
        case .dense(let all):
            for register in all {
                sum += 1.0 / Double(UInt64(1) << UInt64(register))
                if register == 0 { zeros += 1 }
            }
        }
        // Linear counting up to 3·m, where its error (≤ 1.05 %) is below raw HyperLogLog's bias in that range.
        if zeros > 0 {
            let linear = m * log(m / Double(zeros))
            if linear <= 3 * m { return Int64(linear.rounded()) }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        return Int64((alpha * m * m / sum).rounded())
    }

    /// A visitor hash's 64-bit hash for the sketch: its first 16 hex digits (the frontend's SHA-256 is uniform
    /// already), or nil if they are not hex.
    static func hash(visitorHash: String) -> UInt64? {
        var value: UInt64 = 0
        var count = 0
        for byte in visitorHash.utf8.prefix(16) {
            let digit: UInt8
            switch byte {
            case 48...57: digit = byte - 48
            case 97...102: digit = byte - 87
            default: return nil
            }
            value = value << 4 | UInt64(digit)
            count += 1
        }
        return count == 16 ? value : nil
    }
}
