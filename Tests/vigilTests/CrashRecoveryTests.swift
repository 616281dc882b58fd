import Foundation
import Testing
import VigilMetrics
import VigilStore
import VigilTestSupport

/// `kill -9` in the middle of an ingest loses nothing acknowledged and duplicates nothing.
struct CrashRecoveryTests {
    @Test("after SIGKILL mid-ingest and a rerun: every line once, in order, and metric sums equal matching events")
    func killNineDuringIngest() async throws {
        let dir = NSTemporaryDirectory() + "vigil-crash-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = (0..<1_500_000).map { i in
            i % 3 == 0 ? "2026-11-25 ERROR request \(i) failed" : "2026-11-25 INFO request \(i) ok"
        }
        let path = dir + "/app.log"
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        let cli = CLITests()
        let filter = try await cli.run([
            "logs", "put-metric-filter", "--data-dir", dir, "--log-group-name", "app", "--filter-name", "errors",
            "--filter-pattern", "ERROR", "--metric-transformations",
            #"[{"metricName":"Errors","metricNamespace":"App","metricValue":"1"}]"#,
        ])
        #expect(filter.status == 0, "\(filter.stderr)")

        let ingest = ["ingest", "file", "--data-dir", dir, "--log-group", "app", "--log-stream", "host-1", path]
        let process = Process()
        process.executableURL = CLITests.binary
        process.arguments = ingest
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until some batches are committed, then kill without warning.
        let observer = try SQLiteLogStore(path: dir + "/vigil.db")
        var stored = 0
        let deadline = Date().addingTimeInterval(60)
        while stored == 0 && Date() < deadline && process.isRunning {
            try await Task.sleep(for: .milliseconds(2))
            // One event is enough to know a batch committed (reading them all would take longer than the ingest).
            stored = (try? await observer.events(group: "app", EventQuery(limit: 1)).count) ?? 0
        }
        kill(process.processIdentifier, SIGKILL)
        await process.exited()
        #expect(
            process.terminationReason == .uncaughtSignal,
            "the ingest finished before it could be killed; make the file larger")
        let afterKill = try await observer.events(group: "app", EventQuery(limit: 2_000_000)).count
        #expect(afterKill > 0 && afterKill < lines.count)

        let rerun = try await cli.run(ingest)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let events = try await observer.events(group: "app", EventQuery(limit: 2_000_000))
        #expect(events.count == lines.count)
        // The first line stored out of place or twice, if any (comparing whole arrays would print 600,000 lines).
        let firstMisplaced = zip(events, lines).enumerated().first {
            String(decoding: $0.element.0.message, as: UTF8.self) != $0.element.1
        }
        #expect(firstMisplaced == nil, "line \(firstMisplaced?.offset ?? -1) is out of place")
        let errors = try await observer.aggregates(
            MetricKey(namespace: "App", name: "Errors"), start: 0, end: .max, highResolution: false)
        #expect(errors.map(\.1.sum).reduce(0, +) == Double(lines.filter { $0.contains("ERROR") }.count))
    }
}
