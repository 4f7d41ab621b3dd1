import Foundation

/// A child process started with `posix_spawn` and reaped with `waitpid(WNOHANG)` polling: for the tools and tests
/// (`kepu dev`'s services, PostgreSQL's scripts, the benchmark's `pgbench`, Chromium), never linked into a service.
///
/// Foundation's `Process` did not reap children inside `kepu dev` (they stayed zombies and `isRunning` stayed
/// true) and its `waitUntilExit` hung in async code. swift-subprocess scopes a child to a closure with no exit
/// notification (a supervisor restarting a crashed service needs one) and reaps through a SIGCHLD handler or pidfd
/// that competes with Foundation's `Process` in the same test process; so the tools manage their children
/// directly. Output goes to a file (appended) or is inherited; never to a pipe, which a daemon started by the
/// child would hold open.
public struct ChildProcess: Sendable {
    public let pid: pid_t

    public enum Status: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Ended, but reaped by someone else in this process (a `waitpid(-1)` elsewhere, e.g. Foundation's
        /// `Process` in the same test process), so its status is gone.
        case unknown
    }

    /// Starts `executable` with `arguments` and `environment`; stdout and stderr go to `output` (appended) if given.
    public static func spawn(_ executable: String, _ arguments: [String] = [], environment: [String: String], output: String? = nil) throws
        -> ChildProcess
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let output {
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        // A clean signal state: the parent's runtime blocks or handles signals for its own threads, and a child
        // that inherited that mask would miss its own timers and stop requests.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw ChildProcessError(description: "cannot start \(executable): \(String(cString: strerror(result)))") }
        return ChildProcess(pid: pid)
    }

    /// The exit status if the child has ended (reaping it), else nil.
    public func poll() -> Status? {
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        // No such child any more: it ended and another waiter took its status.
        if reaped == -1 && errno == ECHILD { return .unknown }
        guard reaped == pid else { return nil }
        return (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }

    /// Waits (asynchronously) for the child to end.
    public func wait() async -> Status {
        while true {
            if let status = poll() { return status }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
}
