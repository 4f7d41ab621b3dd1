import Foundation

extension EmbeddedKafkaCluster {
    /// librdkafka 2.0.2's mock brokers do not set `TCP_NODELAY` on the connections they accept (Kafka's brokers do).
    /// With several responses in flight on one connection, Nagle then holds each next response until the client's
    /// delayed ACK (~40 ms on Linux): a produce to 12 partitions was acknowledged in ~48 ms against ~5.6 ms for one
    /// partition. The brokers live in this process, so their accepted sockets are ours: this finds them by local port
    /// and turns Nagle off, as a real broker would. Run periodically to catch new connections.
    static func disableNagle(onLocalPorts ports: Set<UInt16>) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            guard let fd = Int32(entry) else { continue }
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0, address.sin_family == sa_family_t(AF_INET), ports.contains(UInt16(bigEndian: address.sin_port)) else { continue }
            var on: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    /// The ports in `bootstrapServers`.
    var brokerPorts: Set<UInt16> {
        Set(bootstrapServers.split(separator: ",").compactMap { $0.split(separator: ":").last.flatMap { UInt16($0) } })
    }
}
