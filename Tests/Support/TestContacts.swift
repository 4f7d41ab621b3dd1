import Foundation

/// The contact details the tests give booking (as frontends would): none may appear in a topic the services write,
/// in a log line or in a fingerprint. `infra/scripts/scan-personal-data.sh` scans every service log of a test run
/// for exactly these.
public enum TestContacts {
    public static let markers = ["13800000000", "13800000001", "13912345678", "13700001234", "张三", "李老师", "王小明", "王老师", "隐私测试员"]

    /// The markers `scan-personal-data.sh` looks for, read from the script.
    public static func scannedMarkers(repository: URL) throws -> [String] {
        let script = try String(contentsOf: repository.appendingPathComponent("infra/scripts/scan-personal-data.sh"), encoding: .utf8)
        guard let line = script.split(separator: "\n").first(where: { $0.hasPrefix("markers=(") }) else { return [] }
        return line.dropFirst("markers=(".count).dropLast().split(separator: " ").map(String.init)
    }
}
