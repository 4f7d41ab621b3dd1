import KepuContracts

/// What makes a CloudEvent the same event: its `source` and `id` together (CloudEvents 1.0: "Producers MUST
/// ensure that source + id is unique for each distinct event"). Two frontends may both send an event `42`.
///
/// Held as a 128-bit digest of the two, computed once when a record is decoded: the runner looks an event up
/// several times (the batch, the partition's recent ids, the window's eviction), and hashing and comparing the
/// strings each time was the largest part of an offsets-tracking batch's cost. One half is keyed by the process's
/// random hashing seed (SipHash), so a producer cannot choose ids that collide in it (and tables are bucketed by
/// it); the other is FNV-1a, cheap and independent of it. Two different events are taken for one with a
/// probability near 2⁻⁶⁴ per pair a window holds. Identities are only compared within one process.
struct EventIdentity: Hashable, Sendable {
    private let keyed: UInt64
    private let plain: UInt64

    init(_ event: CloudEvent) {
        self.init(source: event.source, id: event.id)
    }

    init(source: String, id: String) {
        var source = source
        var id = id
        var hasher = Hasher()
        var fnv: UInt64 = 0xcbf2_9ce4_8422_2325
        // The source's length keeps ("ab", "c") apart from ("a", "bc").
        hasher.combine(source.utf8.count)
        fnv = (fnv ^ UInt64(source.utf8.count)) &* 0x100_0000_01b3
        source.withUTF8 { Self.add($0, to: &hasher, &fnv) }
        id.withUTF8 { Self.add($0, to: &hasher, &fnv) }
        keyed = UInt64(bitPattern: Int64(hasher.finalize()))
        plain = fnv
    }

    private static func add(_ bytes: UnsafeBufferPointer<UInt8>, to hasher: inout Hasher, _ fnv: inout UInt64) {
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        for byte in bytes { fnv = (fnv ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    func hash(into hasher: inout Hasher) {
        // Already a keyed hash: it alone buckets a table.
        hasher.combine(keyed)
    }
}
