import Foundation

/// The test virtual environment's python (boto3, the aws CLI, cryptography, aiosmtpd; installed by
/// scripts/python-clients.sh, which the test command runs), and the scripts of Tests/Clients.
public enum TestPython {
    /// The repository's root.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `VIGIL_PYTHON`, else the build folder's virtual environment; nil when neither exists.
    public static var path: String? {
        let candidates = [ProcessInfo.processInfo.environment["VIGIL_PYTHON"], root + "/.build/py/bin/python"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs Tests/Clients/`script` with `arguments`; its exit status and what it printed (both streams).
    public static func run(script: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        guard let python = path else { throw Missing() }
        return try await ChildProcess.run(python, [root + "/Tests/Clients/" + script] + arguments)
    }

    /// The virtual environment is not there: run scripts/python-clients.sh.
    public struct Missing: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the test python is missing: run scripts/python-clients.sh" }
    }
}
