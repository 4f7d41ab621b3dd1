import ArgumentParser

/// `kepu-bench`: benchmarks that run the suite's code side by side with a baseline, in one run, and print ratios.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kepu-bench",
        abstract: "Benchmarks for Kepu Classroom, each against its baseline in the same run.",
        subcommands: [KafkaBench.self, BookingBench.self]
    )
}
