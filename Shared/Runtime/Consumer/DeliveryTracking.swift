/// How a handler's consumer keeps a redelivered record from taking effect twice.
public enum DeliveryTracking: Sendable {
    /// The inbox (`received_messages`): each event id takes effect once per consumer, whatever partition or offset
    /// it comes back at. For commands, where a producer may resend the same request.
    case inbox
    /// Consumed offsets (`consumer_offsets`), written in the handler's transaction: a record at or past the stored
    /// offset of its partition is new, anything before it was already counted. Each assigned partition starts
    /// at the stored offset, so a fresh database reads its topics from the beginning. An event its producer sent
    /// again (a later offset, the same id) is dropped by `RecentEventIDs`' window. For folding event streams
    /// (metrics), where one row per record would cost more than the work itself.
    ///
    /// A handler may move from `.inbox` to `.offsets` in a release: while its inbox has rows, a partition with no
    /// stored offset starts where the group last committed, and records published before the inbox's last row are
    /// looked up there and dropped if found.
    case offsets
}
