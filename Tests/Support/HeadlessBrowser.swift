import Foundation
import KepuRuntime
import KepuTooling

/// Debian's Chromium, headless, driven over the DevTools protocol: opens a page and evaluates JavaScript in it,
/// so a test can read what a person would see. Missing Chromium fails the test with what to install.
public final class HeadlessBrowser: Sendable {
    let process: ChildProcess
    let port: Int
    let profile: URL
    let script: URL
    public let log: URL

    public static func executable() throws -> String {
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw TestSetupError("Chromium is not installed: run infra/scripts/install-deps.sh (apt-get install chromium)")
    }

    public init(url: String) async throws {
        port = freePort()
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("kepu-browser-\(UUID().uuidString.prefix(8))")
        profile = base.appendingPathComponent("profile")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        log = base.appendingPathComponent("chromium.log")
        script = base.appendingPathComponent("evaluate.py")
        try Self.evaluateScript.write(to: script, atomically: true, encoding: .utf8)
        process = try ChildProcess.spawn(
            try Self.executable(),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=\(port)", "--remote-allow-origins=*",
                "--user-data-dir=\(profile.path)", url,
            ],
            environment: ["PATH": "/usr/bin:/bin", "HOME": base.path], output: log.path)
        try await eventually("Chromium's DevTools endpoint", timeout: .seconds(60)) {
            await httpRequest(port: self.port, method: "GET", path: "/json/version")?.status == 200
        }
    }

    /// Evaluates `expression` in the page and returns its value as JSON text (`null` when undefined).
    public func evaluate(_ expression: String) async throws -> String {
        let output = base(script).appendingPathComponent("out-\(UUID().uuidString.prefix(8)).json")
        let child = try ChildProcess.spawn(
            "/usr/bin/python3", [script.path, String(port), expression], environment: ["PATH": "/usr/bin:/bin"], output: output.path)
        let status = await child.wait()
        let text = (try? String(contentsOf: output, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard status == .exited(0) else { throw TestSetupError("DevTools evaluation failed (\(status)): \(text)") }
        return text
    }

    public func close() async {
        process.signal(SIGKILL)
        _ = await process.wait()
        try? FileManager.default.removeItem(at: profile)
    }

    private func base(_ file: URL) -> URL { file.deletingLastPathComponent() }

    /// A minimal DevTools client (Python's standard library has no WebSocket): Runtime.evaluate on the first page.
    static let evaluateScript = #"""
        import base64, json, os, socket, struct, sys, urllib.request
        port, expression = int(sys.argv[1]), sys.argv[2]
        pages = [t for t in json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json")) if t.get("type") == "page"]
        path = pages[0]["webSocketDebuggerUrl"].split(f":{port}", 1)[1]
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            buffer += sock.recv(4096)
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            sys.exit("handshake refused: " + head.decode(errors="replace"))
        def exact(n):
            global buffer
            while len(buffer) < n:
                chunk = sock.recv(65536)
                if not chunk:
                    sys.exit("connection closed")
                buffer += chunk
            out, buffer = buffer[:n], buffer[n:]
            return out
        def send(message):
            data, mask = json.dumps(message).encode(), os.urandom(4)
            n = len(data)
            header = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
            sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
        def receive():
            payload = b""
            while True:
                first, second = exact(2)
                n = second & 0x7F
                if n == 126:
                    n = struct.unpack(">H", exact(2))[0]
                elif n == 127:
                    n = struct.unpack(">Q", exact(8))[0]
                payload += exact(n)
                if first & 0x80:
                    return payload
        send({"id": 1, "method": "Runtime.evaluate", "params": {"expression": expression, "returnByValue": True, "awaitPromise": True}})
        while True:
            message = json.loads(receive())
            if message.get("id") == 1:
                result = message.get("result", {})
                if "exceptionDetails" in result:
                    sys.exit("exception: " + json.dumps(result["exceptionDetails"]))
                print(json.dumps(result.get("result", {}).get("value")))
                break
        """#
}
