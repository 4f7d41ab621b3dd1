import KepuContracts
import KepuDomain

/// One work at one site on one (Shanghai) day: the row engagement is folded into.
struct WorkSiteDay: Hashable, Sendable {
    var workId: String
    var siteId: String
    var day: ShanghaiDay

    /// For the lock order (`lockOrder`): stable across processes.
    var stableHash: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in workId.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xff) &* 0x100_0000_01b3
        for byte in siteId.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (hash ^ UInt64(bitPattern: Int64(day.number))) &* 0x100_0000_01b3
    }
}

/// A batch of engagement events folded in memory: what each work-site-day gains, and the officers' points. Pure, so
/// the rules are tested without a database; the store writes the result in one transaction with the batch's offsets.
///
/// - views, completions and shares count every event, flagged ones too; `flagged` counts those from a visitor past
///   the rate.
/// - distinct visitors (reach) take the visitors of events that are not flagged: a visitor's repeated views of a
///   work in a day count once.
/// - **Officer points**: one point for each view, not flagged, that came through an officer's share link (a share
///   earns nothing by itself: points follow the views it brings).
struct EngagementFold {
    struct Delta {
        var views: Int64 = 0
        var completions: Int64 = 0
        var shares: Int64 = 0
        var flagged: Int64 = 0
        /// Hashes of the trusted visitors, for the sketch.
        var visitors: [UInt64] = []
    }

    private(set) var deltas: [WorkSiteDay: Delta] = [:]
    private(set) var points: [String: Int64] = [:]

    mutating func fold(_ event: WorkEngaged, visitor: UInt64, flagged: Bool) {
        let key = WorkSiteDay(workId: event.workId, siteId: event.siteId, day: ShanghaiDay(event.occurredAt))
        // One lookup per event: the delta is changed in place.
        Self.add(event.action, visitor: visitor, flagged: flagged, to: &deltas[key, default: Delta()])
        if !flagged, event.action == .view, let officer = event.officerId { points[officer, default: 0] += 1 }
    }

    private static func add(_ action: EngagementAction, visitor: UInt64, flagged: Bool, to delta: inout Delta) {
        switch action {
        case .view: delta.views += 1
        case .completion: delta.completions += 1
        case .share: delta.shares += 1
        }
        if flagged {
            delta.flagged += 1
        } else {
            delta.visitors.append(visitor)
        }
    }
}
