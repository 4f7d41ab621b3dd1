/// PostgreSQL advisory-lock keys, derived from names: every replica's copy of a task (or the migrator) takes the
/// same lock, no key is picked by hand, and no two names are likely to collide (64 bits of FNV-1a).
public enum AdvisoryLock {
    public static func key(named name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
