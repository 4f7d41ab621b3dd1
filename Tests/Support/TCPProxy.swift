import Foundation
import KepuRuntime
import KepuTooling

/// A TCP proxy on loopback (a small Python program, as `infra/scripts/install-deps.sh` installs python3) in front
/// of a local port: `stop()` is an outage of whatever is behind it, as a client sees one (connections reset, new
/// ones refused), without stopping the shared server.
public final class TCPProxy: @unchecked Sendable {
    // @unchecked: `process` is only touched from the test's task.
    let process = Process()
    public let port: Int

    public init(to target: Int) throws {
        port = freePort()
        let program = """
            import asyncio, sys
            async def pipe(reader, writer):
                try:
                    while data := await reader.read(65536):
                        writer.write(data)
                        await writer.drain()
                except Exception:
                    pass
                finally:
                    writer.close()
            async def serve(reader, writer):
                try:
                    upstream_reader, upstream_writer = await asyncio.open_connection('127.0.0.1', \(target))
                except Exception:
                    writer.close()
                    return
                await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
            async def main():
                server = await asyncio.start_server(serve, '127.0.0.1', \(port))
                print('ready', flush=True)
                await server.serve_forever()
            asyncio.run(main())
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Wait for "ready" so the first connection is not refused.
        _ = output.fileHandleForReading.availableData
    }

    /// SIGKILL: every connection through it drops at once.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}
