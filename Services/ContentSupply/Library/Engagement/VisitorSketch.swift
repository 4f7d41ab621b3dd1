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

    /// Sparse: the non-zero registers as `index << 8 | rank`, ascending (so by index), each index once. Dense: every
    /// register. (Sorted entries, not a dictionary: a batch reads, grows and writes back every sketch it touches,
    /// and a sorted array is read, merged and written in one pass each.)
    private enum Registers: Hashable {
        case sparse([UInt32])
        case dense([UInt8])
    }

    private var registers: Registers = .sparse([])

    init() {}

    /// From stored bytes: a leading 0 and (index, rank) triples, or a leading 1 and every register. Anything else
    /// (never written by this code) starts empty.
    init(bytes: some Collection<UInt8>) {
        guard let kind = bytes.first else { return }
        let body = Array(bytes.dropFirst())
        if kind == 1, body.count == Self.registerCount {
            registers = .dense(body)
        } else if kind == 0, body.count % 3 == 0 {
            var entries: [UInt32] = []
            entries.reserveCapacity(body.count / 3)
            var ordered = true
            var index = 0
            while index < body.count {
                let register = UInt32(body[index]) << 8 | UInt32(body[index + 1])
                if Int(register) < Self.registerCount, body[index + 2] > 0 {
                    let entry = register << 8 | UInt32(body[index + 2])
                    if let last = entries.last, last >> 8 >= register { ordered = false }
                    entries.append(entry)
                }
                index += 3
            }
            // Written in order by this code; anything else is put in order, keeping each register's highest rank.
            registers = .sparse(ordered ? entries : Self.merged([], entries.sorted()))
        }
    }

    var bytes: [UInt8] {
        switch registers {
        case .dense(let all): return [1] + all
        case .sparse(let entries):
            var out = [UInt8]()
            out.reserveCapacity(1 + entries.count * 3)
            out.append(0)
            for entry in entries {
                out.append(UInt8(truncatingIfNeeded: entry >> 16))
                out.append(UInt8(truncatingIfNeeded: entry >> 8))
                out.append(UInt8(truncatingIfNeeded: entry))
            }
            return out
        }
    }

    /// The register and rank a visitor's 64-bit hash sets.
    private static func entry(hash: UInt64) -> (register: Int, rank: UInt8) {
        let register = Int(hash >> UInt64(64 - precision))
        let rest = hash << UInt64(precision)
        return (register, UInt8(min(rest.leadingZeroBitCount, 64 - precision) + 1))
    }

    /// Adds a visitor by a 64-bit hash of them; returns whether a register changed.
    @discardableResult
    mutating func insert(hash: UInt64) -> Bool {
        insert(hashes: CollectionOfOne(hash))
    }

    /// Adds visitors by 64-bit hashes of them, all at once (a sparse sketch is merged in one pass); returns whether
    /// a register changed.
    @discardableResult
    mutating func insert(hashes: some Collection<UInt64>) -> Bool {
        switch registers {
        case .dense(var all):
            registers = .sparse([]) // Let go of the array's other reference before writing it.
            var changed = false
            for hash in hashes {
                let (register, rank) = Self.entry(hash: hash)
                if rank > all[register] {
                    all[register] = rank
                    changed = true
                }
            }
            registers = .dense(all)
            return changed
        case .sparse(let entries):
            let added = hashes.map { hash -> UInt32 in
                let (register, rank) = Self.entry(hash: hash)
                return UInt32(register) << 8 | UInt32(rank)
            }
            let merged = Self.merged(entries, added.sorted())
            guard merged != entries else { return false }
            setSparse(merged)
            return true
        }
    }

    /// Sparse entries as the registers, dense past the sparse limit.
    private mutating func setSparse(_ entries: [UInt32]) {
        registers = entries.count > Self.sparseLimit ? .dense(Self.dense(entries)) : .sparse(entries)
    }

    private static func dense(_ entries: [UInt32]) -> [UInt8] {
        var all = [UInt8](repeating: 0, count: registerCount)
        for entry in entries { all[Int(entry >> 8)] = UInt8(truncatingIfNeeded: entry) }
        return all
    }

    /// Two ascending entry lists as one, each register once with its highest rank (entries of one register sort
    /// by rank, so the last of a run is the highest).
    private static func merged(_ old: [UInt32], _ new: [UInt32]) -> [UInt32] {
        guard !new.isEmpty else { return old }
        var out: [UInt32] = []
        out.reserveCapacity(old.count + new.count)
        var i = old.startIndex
        var j = new.startIndex
        while i < old.endIndex || j < new.endIndex {
            let next: UInt32
            if j == new.endIndex || (i < old.endIndex && old[i] <= new[j]) {
                next = old[i]
                i += 1
            } else {
                next = new[j]
                j += 1
            }
            if let last = out.last, last >> 8 == next >> 8 {
                out[out.count - 1] = max(last, next)
            } else {
                out.append(next)
            }
        }
        return out
    }

    /// Takes in another sketch's visitors: each register's maximum.
    mutating func merge(_ other: VisitorSketch) {
        switch (registers, other.registers) {
        case (.sparse(let mine), .sparse(let theirs)):
            setSparse(Self.merged(mine, theirs))
        case (.sparse(let mine), .dense(let theirs)):
            registers = .dense(zip(Self.dense(mine), theirs).map { max($0, $1) })
        case (.dense(let mine), .sparse(let theirs)):
            registers = .dense(zip(mine, Self.dense(theirs)).map { max($0, $1) })
        case (.dense(let mine), .dense(let theirs)):
            registers = .dense(zip(mine, theirs).map { max($0, $1) })
        }
    }

    var estimate: Int64 {
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        switch registers {
        case .sparse(let entries):
            zeros = Self.registerCount - entries.count
            sum = Double(zeros) + entries.reduce(0.0) { $0 + 1.0 / Double(UInt64(1) << UInt64($1 & 0xff)) }
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
