import Foundation
import KepuDomain
import KepuTestSupport
import Testing

/// A mutational fuzzer over the suite's parsers of untrusted input: each target's seeds (its corpus folder, plus
/// seeds given in code) are mutated — bytes flipped, inserted, deleted, repeated, replaced by tokens that break
/// parsers (quotes, escapes, NUL, huge and negative numbers, the contracts' field names), spliced with each other —
/// and every mutant is run through the target. A trap ends the test process: the input being run is always in
/// `.kepu/fuzz/<target>.current`, which `infra/fuzz.sh` keeps as a new corpus file. An input that takes over a
/// second is recorded as an issue (a hang).
///
/// `KEPU_FUZZ_INPUTS` inputs per target (default 5,000, so the test command runs every target briefly;
/// `infra/fuzz.sh` runs a million), from `KEPU_FUZZ_SEED` (printed, so a run can be repeated).
struct Fuzzer {
    let target: String
    var seeds: [[UInt8]]
    let tokens: [[UInt8]]
    var random: SplitMix

    static var inputs: Int { Int(ProcessInfo.processInfo.environment["KEPU_FUZZ_INPUTS"] ?? "") ?? 5_000 }
    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["KEPU_FUZZ_SEED"] ?? "") ?? 20_261_206 }
    static let maxInputBytes = 64 * 1024

    /// The corpus files of `target` (committed seeds and regression inputs), which always run unmutated first.
    static func corpus(_ target: String) -> [[UInt8]] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus/\(target)")
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.sorted { $0.path < $1.path }.compactMap { try? Array(Data(contentsOf: $0)) }
    }

    init(target: String, seeds: [String], tokens: [String] = []) {
        self.target = target
        self.seeds = Self.corpus(target) + seeds.map { Array($0.utf8) }
        let breakers = [
            "\"", "\\", "\\u0000", "\\ud800", "\\u00e9", "{", "}", "[", "]", ":", ",", "null", "true", "-", "0", "1e309", "-0",
            "9223372036854775807", "-9223372036854775808", "18446744073709551616", "99999999999999999999", "2147483648", ".5", "\u{0}",
            "\u{FEFF}", "é", "张", "\u{1F600}", "\n", " ", "-W", "-Q", ":", "T", "Z", "+08:00", "9999", "0000", "2026-02-29", "24:00",
        ]
        self.tokens = (breakers + tokens).map { Array($0.utf8) }
        // Each target its own stream from the one seed (a stable hash of its name, not `hashValue`, which varies).
        random = SplitMix(seed: Self.seed &+ target.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
    }

    mutating func mutant() -> [UInt8] {
        var input = seeds[Int(random.next() % UInt64(seeds.count))]
        for _ in 0..<(1 + random.next() % 4) { mutate(&input) }
        if input.count > Self.maxInputBytes { input.removeLast(input.count - Self.maxInputBytes) }
        return input
    }

    private mutating func position(in input: [UInt8]) -> Int { input.isEmpty ? 0 : Int(random.next() % UInt64(input.count + 1)) }

    private mutating func mutate(_ input: inout [UInt8]) {
        switch random.next() % 8 {
        case 0 where !input.isEmpty:
            let at = Int(random.next() % UInt64(input.count))
            input[at] ^= UInt8(truncatingIfNeeded: 1 << (random.next() % 8))
        case 1:
            input.insert(UInt8(truncatingIfNeeded: random.next()), at: position(in: input))
        case 2 where !input.isEmpty:
            let from = Int(random.next() % UInt64(input.count))
            let length = min(input.count - from, 1 + Int(random.next() % 16))
            input.removeSubrange(from..<(from + length))
        case 3 where !input.isEmpty:
            // Repeat a slice: long strings, many keys, deep nesting.
            let from = Int(random.next() % UInt64(input.count))
            let length = min(input.count - from, 1 + Int(random.next() % 32))
            let slice = Array(input[from..<(from + length)])
            let times = 1 + Int(random.next() % (random.next() % 8 == 0 ? 2000 : 8))
            input.insert(contentsOf: Array(repeating: slice, count: times).joined(), at: from)
        case 4, 5:
            input.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))], at: position(in: input))
        case 6 where !input.isEmpty:
            // Replace a run of digits or letters with a token.
            let at = Int(random.next() % UInt64(input.count))
            var end = at
            while end < input.count, input[end] >= 0x30, input[end] != 0x22, input[end] != 0x2C, input[end] != 0x7D { end += 1 }
            input.replaceSubrange(at..<end, with: tokens[Int(random.next() % UInt64(tokens.count))])
        default:
            // Splice with another seed.
            let other = seeds[Int(random.next() % UInt64(seeds.count))]
            let cut = position(in: input)
            let otherCut = other.isEmpty ? 0 : Int(random.next() % UInt64(other.count))
            input = Array(input[..<cut]) + other[otherCut...]
        }
    }

    /// Runs the corpus, then `KEPU_FUZZ_INPUTS` mutants, through `body`.
    mutating func run(_ body: ([UInt8]) -> Void) {
        let current = CurrentInput(target: target)
        let started = ContinuousClock.now
        var slowest: (Duration, [UInt8]) = (.zero, [])
        for index in 0..<(seeds.count + Self.inputs) {
            let input = next(index, current)
            let start = ContinuousClock.now
            body(input)
            slowest = max(slowest, ContinuousClock.now - start, input)
        }
        finish(current, started: started, slowest: slowest)
    }

    /// The same for an async parser (admin tokens are verified by an actor).
    mutating func runAsync(_ body: ([UInt8]) async -> Void) async {
        let current = CurrentInput(target: target)
        let started = ContinuousClock.now
        var slowest: (Duration, [UInt8]) = (.zero, [])
        for index in 0..<(seeds.count + Self.inputs) {
            let input = next(index, current)
            let start = ContinuousClock.now
            await body(input)
            slowest = max(slowest, ContinuousClock.now - start, input)
        }
        finish(current, started: started, slowest: slowest)
    }

    /// The `index`th input (the corpus first), recorded as the current one; interesting mutants become seeds of
    /// later ones (cheaply: every 64th).
    private mutating func next(_ index: Int, _ current: CurrentInput) -> [UInt8] {
        let input = index < seeds.count ? seeds[index] : mutant()
        current.record(input)
        if index >= seeds.count, index % 64 == 0, seeds.count < 4096 { seeds.append(input) }
        return input
    }

    private func max(_ slowest: (Duration, [UInt8]), _ took: Duration, _ input: [UInt8]) -> (Duration, [UInt8]) {
        took > slowest.0 ? (took, input) : slowest
    }

    private func finish(_ current: CurrentInput, started: ContinuousClock.Instant, slowest: (Duration, [UInt8])) {
        current.clear()
        let line = String(
            format: "fuzz %@: %d inputs (corpus %d), seed %llu, %.1f s, slowest %.1f ms", target, Self.inputs, Self.corpus(target).count, Self.seed,
            (ContinuousClock.now - started).seconds, slowest.0.seconds * 1000)
        print(line)
        #expect(slowest.0 < .seconds(1), "\(target): an input took \(slowest.0): \(String(decoding: slowest.1.prefix(300), as: UTF8.self))")
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The input being run, in a file, so a trap leaves it behind (one `pwrite` per input).
final class CurrentInput {
    let path: String
    let descriptor: Int32

    init(target: String) {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".kepu/fuzz")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("\(target).current").path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    }

    func record(_ input: [UInt8]) {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        _ = input.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    func clear() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        unlink(path)
    }
}
