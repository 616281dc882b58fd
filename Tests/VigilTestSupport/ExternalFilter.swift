import Foundation

/// A command run as a filter for tests: bytes in on standard input, its standard output back. Tests use
/// the system's reference tools as oracles this way (`gzip -c -n`, Python's zlib).
public enum ExternalFilter {
    /// The command exited with a status other than 0.
    public struct Failed: Error, CustomStringConvertible {
        public let command: [String]
        public let status: Int32
        public var description: String { "\(command.joined(separator: " ")) exited with status \(status)" }
    }

    /// The output of `command` (looked up on PATH) given `input`, waited for on a thread of its own
    /// (``OwnThread``).
    public static func run(_ command: [String], input: [UInt8]) async throws -> [UInt8] {
        try await OwnThread.run { try runBlocking(command, input: input) }
    }

    static func runBlocking(_ command: [String], input: [UInt8]) throws -> [UInt8] {
        let file = NSTemporaryDirectory() + "vigil-filter-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(input).write(to: URL(fileURLWithPath: file))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failed(command: command, status: process.terminationStatus) }
        return [UInt8](bytes)
    }
}
