import Foundation
import Synchronization
import Testing
import VigilTestSupport

/// One `vigil alarms run` per data directory: a second one says who holds the lease and waits.
struct SchedulerLeaseTests {
    /// Collects what a process writes to a pipe, as it writes it.
    final class Collected: Sendable {
        let text = Mutex("")
        init(_ pipe: Pipe) {
            pipe.fileHandleForReading.readabilityHandler = { [self] handle in
                let data = handle.availableData
                text.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }
        var value: String { text.withLock { $0 } }
    }

    static func start(_ dir: String) throws -> (Process, Collected) {
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ["alarms", "run", "--data-dir", dir]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        return (process, Collected(errors))
    }

    static func wait(for text: String, in collected: Collected) async throws -> Bool {
        for _ in 0..<1_500 {
            if collected.value.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("the second alarms run names the first's pid and waits; it takes over when the first stops")
    func secondWaits() async throws {
        let dir = NSTemporaryDirectory() + "vigil-lease-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (first, firstErrors) = try Self.start(dir)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        #expect(try await Self.wait(for: "holding the scheduler lease", in: firstErrors), "\(firstErrors.value)")
        let (second, secondErrors) = try Self.start(dir)
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        #expect(
            try await Self.wait(for: "waiting: another scheduler", in: secondErrors), "\(secondErrors.value)")
        #expect(secondErrors.value.contains("pid \(first.processIdentifier) on "), "\(secondErrors.value)")
        #expect(!secondErrors.value.contains("holding"))

        kill(first.processIdentifier, SIGTERM)
        await first.exited()
        #expect(first.terminationStatus == 0, "\(firstErrors.value)")
        // Released on a clean stop: the second takes over within a few of its one-second polls.
        #expect(
            try await Self.wait(for: "holding the scheduler lease", in: secondErrors), "\(secondErrors.value)")
        kill(second.processIdentifier, SIGTERM)
        await second.exited()
        #expect(second.terminationStatus == 0)
    }
}
