import AsyncHTTPClient
import Foundation
import NIOCore

/// An HTTP GET to a port on loopback, for health probes and tests; nil when nothing answers within `timeout`.
public func httpGet(port: Int, path: String, headers: [String: String] = [:], timeout: Duration = .seconds(15)) async -> (status: Int, body: String)?
{
    await httpRequest(port: port, method: "GET", path: path, headers: headers, timeout: timeout)
}

/// One HTTP/1.1 request to a port on loopback through async-http-client's shared client; nil when nothing answers
/// within `timeout` (15 s by default: on a loaded 2-core machine a busy service answers late, and a probe that gives
/// up early fails a test for the machine's load). `Connection: close`: the services behind the port come and go
/// between tests, so no connection is kept for the next request.
public func httpRequest(
    port: Int, method: String, path: String, headers: [String: String] = [:], body: String = "", timeout: Duration = .seconds(15)
) async -> (status: Int, body: String)? {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    request.method = .init(rawValue: method)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.headers.replaceOrAdd(name: "Connection", value: "close")
    if !body.isEmpty || method != "GET" { request.body = .bytes(ByteBuffer(string: body)) }
    do {
        let response = try await HTTPClient.shared.execute(request, timeout: .init(timeout))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    } catch {
        return nil
    }
}

/// A TCP port on loopback that was free a moment ago (the kernel's pick), for test and benchmark servers.
public func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
