import Foundation

/// A command run to its end for a test, both output streams gathered, under a ``Watchdog``: one that
/// runs for minutes is hung, and is killed so that its test fails saying so instead of hanging the run.
public enum ChildProcess {
    /// Runs `executable` with `arguments` (and `environment` over this process's own); its exit status
    /// and what it printed on both streams, with the watchdog's verdict when it had to kill it. It is
    /// waited for on a thread of its own (``OwnThread``).
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], seconds: Double = 300
    ) async throws -> (status: Int32, output: String) {
        try await OwnThread.run { try runBlocking(executable, arguments, environment: environment, seconds: seconds) }
    }

    static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String], seconds: Double
    ) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let watchdog = Watchdog(p, seconds: seconds)
        defer { watchdog.cancel() }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self) + watchdog.verdict)
    }
}
