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
    public static func run(script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let python = path else { throw Missing() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [root + "/Tests/Clients/" + script] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        // A client script that runs for minutes is hung: it is killed, and its test fails saying so.
        let watchdog = Watchdog(p, seconds: 300)
        defer { watchdog.cancel() }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self) + watchdog.verdict)
    }

    /// The virtual environment is not there: run scripts/python-clients.sh.
    public struct Missing: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the test python is missing: run scripts/python-clients.sh" }
    }
}
