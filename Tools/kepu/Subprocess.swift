import Foundation

/// A child process started with `posix_spawn` and reaped with `waitpid(WNOHANG)` polling.
///
/// Foundation's `Process` did not reap children inside `kepu dev` (they stayed zombies and `isRunning` stayed
/// true), so the supervisor manages its children directly. Output goes to a file (appended) or is inherited.
struct Subprocess: Sendable {
    let pid: pid_t

    enum Status: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Starts `executable` with `arguments` and `environment`; stdout and stderr go to `output` (appended) if given.
    static func spawn(_ executable: String, _ arguments: [String] = [], environment: [String: String], output: String? = nil) throws -> Subprocess {
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
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw DevError("cannot start \(executable): \(String(cString: strerror(result)))") }
        return Subprocess(pid: pid)
    }

    /// The exit status if the child has ended (reaping it), else nil.
    func poll() -> Status? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
    }

    /// Waits (asynchronously) for the child to end.
    func wait() async -> Status {
        while true {
            if let status = poll() { return status }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    func signal(_ signal: Int32) {
        kill(pid, signal)
    }
}
