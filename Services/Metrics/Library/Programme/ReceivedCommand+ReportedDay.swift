import Foundation
import KepuDomain
import KepuRuntime

extension ReceivedCommand {
    /// The Shanghai day the upstream service reported this on: the CloudEvent's time, else the record's, else now.
    /// Running totals count their growth on it.
    var reportedDay: ShanghaiDay {
        ShanghaiDay(event.time ?? message.timestamp.map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? Date())
    }
}
