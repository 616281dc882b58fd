import Foundation
import Testing
import VigilTestSupport

/// Python 3 as a reference implementation: its `json` module reads and writes JSON as the aws CLI
/// does (the CLI prints with `json.dumps(…, indent=4, ensure_ascii=False)`).
enum Python {
    /// Runs `script` with `input` on standard input; returns standard output.
    static func run(_ script: String, input: [UInt8]) async throws -> [UInt8] {
        let dir = NSTemporaryDirectory() + "vigil-py-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(input).write(to: URL(fileURLWithPath: dir + "/in"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: dir + "/in"))
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let out = await pipe.fileHandleForReading.dataToEnd()
        await process.exited()
        #expect(process.terminationStatus == 0, "python3 failed")
        return [UInt8](out)
    }
}
