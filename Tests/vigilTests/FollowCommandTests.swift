import Foundation
import Testing
import VigilStore

/// `vigil ingest file --follow` as a process: tails, and stops cleanly on SIGTERM.
struct FollowCommandTests {
    @Test("--follow ingests lines appended while it runs and exits 0 on SIGTERM with a summary")
    func followsUntilSIGTERM() async throws {
        let dir = NSTemporaryDirectory() + "vigil-follow-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/app.log"
        try Data("first\n".utf8).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = [
            "ingest", "file", "--follow", "--data-dir", dir, "--log-group", "app", "--log-stream", "host", path,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let store = try SQLiteLogStore(path: dir + "/vigil.db")
        func stored() async -> Int { (try? await store.events(group: "app", EventQuery(limit: 100)).count) ?? 0 }
        for _ in 0..<3_000 where await stored() < 1 { try await Task.sleep(for: .seconds(0.01)) }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seekToEnd()
        try h.write(contentsOf: Data("second\nthird\n".utf8))
        try h.close()
        for _ in 0..<3_000 where await stored() < 3 { try await Task.sleep(for: .seconds(0.01)) }
        #expect(await stored() == 3)
        kill(process.processIdentifier, SIGTERM)
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && process.terminationReason == .exit)
        #expect(output.contains("ingested 3 events"), "\(output)")
    }
}
