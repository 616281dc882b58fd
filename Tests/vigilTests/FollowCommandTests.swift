import Foundation
import Testing
import VigilStore
import VigilTestSupport

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
        let output = String(decoding: await out.fileHandleForReading.dataToEnd(), as: UTF8.self)
        await process.exited()
        #expect(process.terminationStatus == 0 && process.terminationReason == .exit)
        #expect(output.contains("ingested 3 events"), "\(output)")
    }

    static func follower(_ dir: String, _ path: String, stderr: Pipe? = nil) throws -> Process {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = [
            "ingest", "file", "--follow", "--data-dir", dir, "--log-group", "app", "--log-stream", "host", path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
        try process.run()
        return process
    }

    static func append(_ text: String, to path: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    @Test(
        "killed with SIGKILL, then the file grows and is rotated: a restarted --follow finishes the rotated file before the new one; a second follower is refused"
    )
    func rotationAcrossKill() async throws {
        let dir = NSTemporaryDirectory() + "vigil-follow-kill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/app.log"
        try Data("1\n2\n".utf8).write(to: URL(fileURLWithPath: path))
        let store = try SQLiteLogStore(path: dir + "/vigil.db")
        func stored() async -> [String] {
            ((try? await store.events(group: "app", EventQuery(limit: 100))) ?? []).map {
                String(decoding: $0.message, as: UTF8.self)
            }
        }
        let first = try Self.follower(dir, path)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        for _ in 0..<3_000 where await stored().count < 2 { try await Task.sleep(for: .seconds(0.01)) }
        kill(first.processIdentifier, SIGKILL)
        await first.exited()
        // While no one reads: more lines, then logrotate's rename and a new file.
        try Self.append("3\n4\n", to: path)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try Data("5\n".utf8).write(to: URL(fileURLWithPath: path))
        let second = try Self.follower(dir, path)
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        for _ in 0..<3_000 where await stored().count < 5 { try await Task.sleep(for: .seconds(0.01)) }
        #expect(await stored() == ["1", "2", "3", "4", "5"])
        // A second process on the same file and stream would store its lines twice: refused.
        let errors = Pipe()
        let third = try Self.follower(dir, path, stderr: errors)
        let message = String(decoding: await errors.fileHandleForReading.dataToEnd(), as: UTF8.self)
        await third.exited()
        #expect(third.terminationStatus != 0 && message.contains("OperationAbortedException"), "\(message)")
        #expect(message.contains("pid \(second.processIdentifier) on"), "\(message)")
        kill(second.processIdentifier, SIGTERM)
        await second.exited()
        #expect(second.terminationStatus == 0)
        #expect(await stored() == ["1", "2", "3", "4", "5"])
    }
}
