import ArgumentParser

/// `kepu`: the operators' command line for Kepu Classroom.
@main
struct Kepu: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kepu",
        abstract: "Kepu Classroom operations: run the suite locally, manage topics, inspect events.",
        subcommands: [Dev.self]
    )
}
