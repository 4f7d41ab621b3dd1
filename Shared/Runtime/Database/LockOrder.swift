/// Rows in one order for every replica, so two batches touching the same rows cannot deadlock: by a stable hash
/// (sorting by it is much cheaper than comparing strings; two different keys with the same 64-bit hash could at
/// worst deadlock, which PostgreSQL detects and the runner retries).
public func lockOrder<Key>(_ keys: some Collection<Key>, hash: (Key) -> UInt64) -> [Key] {
    keys.map { (hash($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
}
